#include "crypto/random.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "util/base64url.hpp"

namespace sa::crypto {

namespace {

void draw(std::span<std::uint8_t> out) {
  while (!out.empty()) {
    std::size_t chunk = std::min<std::size_t>(out.size(), std::numeric_limits<int>::max());
    if (RAND_bytes(out.data(), static_cast<int>(chunk)) != 1) std::abort();
    out = out.subspan(chunk);
  }
}

// Bytes drawn from RAND_bytes ahead of need, one pool per thread. Each RAND_bytes call costs
// OpenSSL 3.0 a lock, a getpid() system call (its fork check) and the generator's set-up,
// whatever its size, and a token request asks for a few dozen bytes two or three times: a
// 512-byte pool takes that to one call per several requests (callgrind: 13,600 instructions and
// two system calls a refresh before). Bytes are wiped from the pool as they are handed out. The
// service never forks, so no two processes share a pool.
struct Pool {
  std::array<std::uint8_t, 512> bytes{};
  std::size_t next = bytes.size();  // the first byte not yet handed out: empty at first
  Pool() = default;
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  ~Pool() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};
thread_local Pool t_pool;

}  // namespace

void OpenSslRandom::fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;  // nothing to copy (and an empty span's data() may be null)
  Pool& pool = t_pool;
  if (out.size() > pool.bytes.size() / 4) return draw(out);  // large: not worth pooling
  if (pool.bytes.size() - pool.next < out.size()) {
    draw(pool.bytes);
    pool.next = 0;
  }
  std::memcpy(out.data(), pool.bytes.data() + pool.next, out.size());
  OPENSSL_cleanse(pool.bytes.data() + pool.next, out.size());
  pool.next += out.size();
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
