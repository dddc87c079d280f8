#include "crypto/hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>

#include "util/base64url.hpp"

namespace sa::crypto {
namespace {

// Fetched once for the life of the process: with EVP_sha256(), OpenSSL 3 fetches the
// implementation again on every EVP_Digest (a lock and a hash-table lookup per hash).
const EVP_MD* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

}  // namespace

Sha256Digest sha256(std::string_view data) {
  Sha256Digest out{};
  unsigned int len = 0;
  const EVP_MD* md = sha256_md();
  // Only fails on allocation failure inside OpenSSL; a wrong digest would be worse than a crash.
  if (md == nullptr || EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1 ||
      len != out.size()) {
    std::abort();
  }
  return out;
}

std::string sha256_b64url(std::string_view data) {
  Sha256Digest d = sha256(data);
  return base64url_encode(std::span<const std::uint8_t>(d));
}

std::string sha256_hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  Sha256Digest d = sha256(data);
  std::string out;
  out.reserve(d.size() * 2);
  for (std::uint8_t b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sa::crypto
