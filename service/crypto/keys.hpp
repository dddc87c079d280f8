// Asymmetric key pairs for signing: generate RSA (>= 2048 bits) and EC P-256/P-384 keys, and move
// them to and from PEM (PKCS#8 for private keys, SubjectPublicKeyInfo for public ones). No
// encrypted PEM and no other key types: anything else is UnsupportedKeyType.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/handles.hpp"
#include "util/expected.hpp"

namespace sa::crypto {

enum class KeyType { RSA, EC_P256, EC_P384 };

enum class KeyError {
  GenerationFailed,
  RsaTooSmall,  // fewer than kMinRsaBits
  RsaTooLarge,  // more than kMaxRsaBits (verification cost is a DoS lever)
  BadPem,
  UnsupportedKeyType,
  EncodeFailed,
};
std::string_view to_string(KeyError e);

inline constexpr int kMinRsaBits = 2048;
inline constexpr int kMaxRsaBits = 8192;

std::string_view to_string(KeyType t);
// nullopt for key types and curves this server does not use (RSA-PSS keys, P-521, Ed25519...).
std::optional<KeyType> key_type_of(const EVP_PKEY* key);
inline std::optional<KeyType> key_type_of(const PKey& key) { return key_type_of(key.get()); }

// rsa_bits is ignored for EC keys.
Expected<PKey, KeyError> generate_key(KeyType type, int rsa_bits = kMinRsaBits);

// Unencrypted PKCS#8 ("BEGIN PRIVATE KEY"). The caller owns where the string goes (0600 file).
Expected<std::string, KeyError> private_key_to_pem(const PKey& key);
// Accepts PKCS#8 and the traditional RSA/EC PEM forms; enforces the supported types and RSA sizes.
Expected<PKey, KeyError> private_key_from_pem(std::string_view pem);

Expected<std::string, KeyError> public_key_to_pem(const PKey& key);
Expected<PKey, KeyError> public_key_from_pem(std::string_view pem);

}  // namespace sa::crypto
