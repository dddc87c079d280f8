// A local TLS trust chain for development and self-hosting: a self-signed CA and a server
// certificate it signs (SAN localhost, 127.0.0.1, ::1 plus extras, EKU serverAuth). Time and the
// serial number's randomness are injected. No CSRs, no revocation, no ACME.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/handles.hpp"
#include "crypto/keys.hpp"
#include "crypto/random.hpp"
#include "util/expected.hpp"

namespace sa::crypto {

enum class CertError {
  KeyGenerationFailed,
  BadCaCertificate,   // CA PEM does not parse
  BadCaKey,           // CA key PEM does not parse
  CaKeyMismatch,      // CA key is not the CA certificate's key
  BadSubjectAltName,  // an extra DNS name or IP address is malformed
  BuildFailed,
};
std::string_view to_string(CertError e);

struct CertAndKeyPem {
  std::string cert_pem;
  std::string key_pem;  // PKCS#8; write it with write_file_private()
};

struct CaOptions {
  std::string common_name = "smart-auth local CA";
  KeyType key_type = KeyType::EC_P256;
  int validity_days = 3650;
};

struct ServerCertOptions {
  std::string common_name = "localhost";
  std::vector<std::string> extra_dns_names;
  std::vector<std::string> extra_ip_addresses;  // IPv4 or IPv6 text form
  KeyType key_type = KeyType::EC_P256;
  // CA/Browser Forum's historic 825-day ceiling, which Apple platforms still enforce.
  int validity_days = 825;
};

Expected<CertAndKeyPem, CertError> generate_ca(const CaOptions& options, Random& random,
                                               std::int64_t now_seconds);
Expected<CertAndKeyPem, CertError> generate_server_cert(const CertAndKeyPem& ca,
                                                        const ServerCertOptions& options,
                                                        Random& random, std::int64_t now_seconds);

Expected<Cert, CertError> certificate_from_pem(std::string_view pem);

}  // namespace sa::crypto
