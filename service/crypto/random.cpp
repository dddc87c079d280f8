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

}  // namespace sa::crypto
