#include "crypto/random.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <vector>

#include "util/base64url.hpp"

namespace sa::crypto {

void OpenSslRandom::fill(std::span<std::uint8_t> out) {
  while (!out.empty()) {
    std::size_t chunk = std::min<std::size_t>(out.size(), std::numeric_limits<int>::max());
    if (RAND_bytes(out.data(), static_cast<int>(chunk)) != 1) std::abort();
    out = out.subspan(chunk);
  }
}

std::string random_token(Random& random, std::size_t bytes) {
  std::vector<std::uint8_t> buf(bytes);
  random.fill(buf);
  std::string token = base64url_encode(std::span<const std::uint8_t>(buf));
  OPENSSL_cleanse(buf.data(), buf.size());
  return token;
}

std::string ordered_token(Random& random, std::int64_t now_us, std::size_t bytes) {
  // Unsigned seconds (until 2106) and the microsecond within the second (< 0xf4240).
  const std::uint64_t us = static_cast<std::uint64_t>(std::max<std::int64_t>(now_us, 0));
  const std::uint64_t prefix = ((us / 1'000'000 & 0xffffffffU) << 24) | (us % 1'000'000);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(kOrderedPrefixChars, '0');
  for (std::size_t i = 0; i < kOrderedPrefixChars; ++i) {
    out[kOrderedPrefixChars - 1 - i] = kHex[(prefix >> (4 * i)) & 0xfU];
  }
  out += random_token(random, bytes);
  return out;
}

bool has_ordered_prefix(std::string_view value) {
  if (value.size() < kOrderedPrefixChars) return false;
  return std::all_of(value.begin(), value.begin() + kOrderedPrefixChars,
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace sa::crypto
