#include "crypto/keys.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <array>

namespace sa::crypto {
namespace {

Expected<std::string, KeyError> bio_to_string(const Bio& bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0 || data == nullptr) return unexpected(KeyError::EncodeFailed);
  return std::string(data, static_cast<std::size_t>(len));
}

Bio read_only_bio(std::string_view text) {
  return Bio{BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))};
}

Expected<PKey, KeyError> check_supported(PKey key) {
  if (!key_type_of(key)) return unexpected(KeyError::UnsupportedKeyType);
  if (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA) {
    int bits = EVP_PKEY_get_bits(key.get());
    if (bits < kMinRsaBits) return unexpected(KeyError::RsaTooSmall);
    if (bits > kMaxRsaBits) return unexpected(KeyError::RsaTooLarge);
  }
  return key;
}

}  // namespace

std::string_view to_string(KeyType t) {
  switch (t) {
    case KeyType::RSA:
      return "RSA";
    case KeyType::EC_P256:
      return "EC P-256";
    case KeyType::EC_P384:
      return "EC P-384";
  }
  return "unknown";
}

std::string_view to_string(KeyError e) {
  switch (e) {
    case KeyError::GenerationFailed:
      return "key generation failed";
    case KeyError::RsaTooSmall:
      return "RSA key smaller than 2048 bits";
    case KeyError::RsaTooLarge:
      return "RSA key larger than 8192 bits";
    case KeyError::BadPem:
      return "malformed PEM";
    case KeyError::UnsupportedKeyType:
      return "unsupported key type or curve";
    case KeyError::EncodeFailed:
      return "key encoding failed";
  }
  return "unknown";
}

std::optional<KeyType> key_type_of(const EVP_PKEY* key) {
  if (key == nullptr) return std::nullopt;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      return KeyType::RSA;
    case EVP_PKEY_EC: {
      std::array<char, 64> group{};
      std::size_t len = 0;
      if (EVP_PKEY_get_group_name(key, group.data(), group.size(), &len) != 1) return std::nullopt;
      int nid = OBJ_sn2nid(group.data());
      if (nid == NID_X9_62_prime256v1) return KeyType::EC_P256;
      if (nid == NID_secp384r1) return KeyType::EC_P384;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

Expected<PKey, KeyError> generate_key(KeyType type, int rsa_bits) {
  const bool rsa = type == KeyType::RSA;
  if (rsa && rsa_bits < kMinRsaBits) return unexpected(KeyError::RsaTooSmall);
  if (rsa && rsa_bits > kMaxRsaBits) return unexpected(KeyError::RsaTooLarge);
  PKeyCtx ctx{EVP_PKEY_CTX_new_from_name(nullptr, rsa ? "RSA" : "EC", nullptr)};
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) return unexpected(KeyError::GenerationFailed);
  int ok = 0;
  switch (type) {
    case KeyType::RSA:
      ok = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), rsa_bits);
      break;
    case KeyType::EC_P256:
      ok = EVP_PKEY_CTX_set_group_name(ctx.get(), SN_X9_62_prime256v1);
      break;
    case KeyType::EC_P384:
      ok = EVP_PKEY_CTX_set_group_name(ctx.get(), SN_secp384r1);
      break;
  }
  EVP_PKEY* raw = nullptr;
  if (ok != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    ERR_clear_error();
    return unexpected(KeyError::GenerationFailed);
  }
  return PKey{raw};
}

Expected<std::string, KeyError> private_key_to_pem(const PKey& key) {
  Bio bio{BIO_new(BIO_s_mem())};
  if (!key || !bio ||
      PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1) {
    ERR_clear_error();
    return unexpected(KeyError::EncodeFailed);
  }
  return bio_to_string(bio);
}

Expected<PKey, KeyError> private_key_from_pem(std::string_view pem) {
  Bio bio = read_only_bio(pem);
  // A null password callback plus empty user data keeps OpenSSL from prompting on a terminal.
  char empty[] = "";
  PKey key{bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, empty) : nullptr};
  ERR_clear_error();
  if (!key) return unexpected(KeyError::BadPem);
  return check_supported(std::move(key));
}

Expected<std::string, KeyError> public_key_to_pem(const PKey& key) {
  Bio bio{BIO_new(BIO_s_mem())};
  if (!key || !bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) {
    ERR_clear_error();
    return unexpected(KeyError::EncodeFailed);
  }
  return bio_to_string(bio);
}

Expected<PKey, KeyError> public_key_from_pem(std::string_view pem) {
  Bio bio = read_only_bio(pem);
  char empty[] = "";
  PKey key{bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, empty) : nullptr};
  ERR_clear_error();
  if (!key) return unexpected(KeyError::BadPem);
  return check_supported(std::move(key));
}

}  // namespace sa::crypto
