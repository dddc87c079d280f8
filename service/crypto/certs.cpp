#include "crypto/certs.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <array>
#include <ctime>

namespace sa::crypto {
namespace {

using GeneralName = OpenSslPtr<GENERAL_NAME, GENERAL_NAME_free>;
using Result = Expected<CertAndKeyPem, CertError>;

// Clients whose clock runs slightly behind must not see a "not yet valid" certificate.
constexpr std::int64_t kBackdateSeconds = 300;

bool set_name(X509_NAME* name, const std::string& common_name) {
  return X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                    -1, 0) == 1;
}

// RFC 5280 §4.1.2.2: positive, unique per CA, at most 20 octets. 16 random bytes, top bit clear.
bool set_random_serial(X509* cert, Random& random) {
  std::array<std::uint8_t, 16> bytes{};
  random.fill(bytes);
  bytes[0] = static_cast<std::uint8_t>((bytes[0] & 0x7F) | 0x01);  // positive and non-zero
  BigNum bn{BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr)};
  return bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr;
}

bool set_validity(X509* cert, std::int64_t now, int days) {
  std::time_t start = static_cast<std::time_t>(now - kBackdateSeconds);
  std::time_t t = static_cast<std::time_t>(now);
  return X509_time_adj_ex(X509_getm_notBefore(cert), 0, 0, &start) != nullptr &&
         X509_time_adj_ex(X509_getm_notAfter(cert), days, 0, &t) != nullptr;
}

// issuer == nullptr means self-signed.
bool add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : cert, cert, nullptr, nullptr, 0);
  CertExtension ext{X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value)};
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// Built from typed GENERAL_NAMEs, never from a "DNS:a,IP:b" string, so a configured name
// containing a comma cannot smuggle in another SAN.
bool push_dns(GENERAL_NAMES* names, std::string_view dns) {
  if (dns.empty() || dns.size() > 253) return false;
  for (char c : dns) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '*';
    if (!ok) return false;
  }
  GeneralName gn{GENERAL_NAME_new()};
  ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
  if (!gn || ia5 == nullptr ||
      ASN1_STRING_set(ia5, dns.data(), static_cast<int>(dns.size())) != 1) {
    ASN1_IA5STRING_free(ia5);
    return false;
  }
  GENERAL_NAME_set0_value(gn.get(), GEN_DNS, ia5);
  if (sk_GENERAL_NAME_push(names, gn.get()) == 0) return false;
  (void)gn.release();
  return true;
}

bool push_ip(GENERAL_NAMES* names, const std::string& ip) {
  ASN1_OCTET_STRING* bytes = a2i_IPADDRESS(ip.c_str());
  if (bytes == nullptr) return false;
  GeneralName gn{GENERAL_NAME_new()};
  if (!gn) {
    ASN1_OCTET_STRING_free(bytes);
    return false;
  }
  GENERAL_NAME_set0_value(gn.get(), GEN_IPADD, bytes);
  if (sk_GENERAL_NAME_push(names, gn.get()) == 0) return false;
  (void)gn.release();
  return true;
}

Expected<Cert, CertError> new_cert(const std::string& cn, const X509_NAME* issuer_name,
                                   EVP_PKEY* subject_key, int days, Random& random,
                                   std::int64_t now) {
  Cert cert{X509_new()};
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      !set_random_serial(cert.get(), random) || !set_validity(cert.get(), now, days) ||
      !set_name(X509_get_subject_name(cert.get()), cn) ||
      X509_set_issuer_name(
          cert.get(), issuer_name != nullptr ? issuer_name : X509_get_subject_name(cert.get())) !=
          1 ||
      X509_set_pubkey(cert.get(), subject_key) != 1) {
    return unexpected(CertError::BuildFailed);
  }
  return cert;
}

Result to_pem(const Cert& cert, const PKey& key) {
  Bio bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_X509(bio.get(), cert.get()) != 1)
    return unexpected(CertError::BuildFailed);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  auto key_pem = private_key_to_pem(key);
  if (len <= 0 || !key_pem) return unexpected(CertError::BuildFailed);
  return CertAndKeyPem{std::string(data, static_cast<std::size_t>(len)), std::move(*key_pem)};
}

}  // namespace

std::string_view to_string(CertError e) {
  switch (e) {
    case CertError::KeyGenerationFailed:
      return "key generation failed";
    case CertError::BadCaCertificate:
      return "CA certificate PEM does not parse";
    case CertError::BadCaKey:
      return "CA key PEM does not parse";
    case CertError::CaKeyMismatch:
      return "CA key does not match the CA certificate";
    case CertError::BadSubjectAltName:
      return "malformed subjectAltName entry";
    case CertError::BuildFailed:
      return "certificate construction failed";
  }
  return "unknown";
}

Expected<Cert, CertError> certificate_from_pem(std::string_view pem) {
  Bio bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  Cert cert{bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr};
  ERR_clear_error();
  if (!cert) return unexpected(CertError::BadCaCertificate);
  return cert;
}

Result generate_ca(const CaOptions& options, Random& random, std::int64_t now_seconds) {
  auto key = generate_key(options.key_type);
  if (!key) return unexpected(CertError::KeyGenerationFailed);
  auto cert = new_cert(options.common_name, nullptr, key->get(), options.validity_days, random,
                       now_seconds);
  if (!cert) return unexpected(cert.error());
  X509* c = cert->get();
  // RFC 5280 §4.2.1.9 and §4.2.1.3: a CA asserts cA=TRUE and keyCertSign, both critical.
  bool ok = add_ext(c, nullptr, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
            add_ext(c, nullptr, NID_key_usage, "critical,keyCertSign,cRLSign") &&
            add_ext(c, nullptr, NID_subject_key_identifier, "hash") &&
            X509_sign(c, key->get(), EVP_sha256()) > 0;
  if (!ok) {
    ERR_clear_error();
    return unexpected(CertError::BuildFailed);
  }
  return to_pem(*cert, *key);
}

Result generate_server_cert(const CertAndKeyPem& ca, const ServerCertOptions& options,
                            Random& random, std::int64_t now_seconds) {
  auto ca_cert = certificate_from_pem(ca.cert_pem);
  if (!ca_cert) return unexpected(CertError::BadCaCertificate);
  auto ca_key = private_key_from_pem(ca.key_pem);
  if (!ca_key) return unexpected(CertError::BadCaKey);
  if (X509_check_private_key(ca_cert->get(), ca_key->get()) != 1) {
    ERR_clear_error();
    return unexpected(CertError::CaKeyMismatch);
  }

  GeneralNames names{sk_GENERAL_NAME_new_null()};
  if (!names) return unexpected(CertError::BuildFailed);
  bool sans_ok = push_dns(names.get(), "localhost") && push_ip(names.get(), "127.0.0.1") &&
                 push_ip(names.get(), "::1");
  for (const auto& dns : options.extra_dns_names) sans_ok = sans_ok && push_dns(names.get(), dns);
  for (const auto& ip : options.extra_ip_addresses) sans_ok = sans_ok && push_ip(names.get(), ip);
  if (!sans_ok) return unexpected(CertError::BadSubjectAltName);

  auto key = generate_key(options.key_type);
  if (!key) return unexpected(CertError::KeyGenerationFailed);
  auto cert = new_cert(options.common_name, X509_get_subject_name(ca_cert->get()), key->get(),
                       options.validity_days, random, now_seconds);
  if (!cert) return unexpected(cert.error());
  X509* c = cert->get();
  X509* issuer = ca_cert->get();
  const char* usage = options.key_type == KeyType::RSA ? "critical,digitalSignature,keyEncipherment"
                                                       : "critical,digitalSignature";
  bool ok = add_ext(c, issuer, NID_basic_constraints, "critical,CA:FALSE") &&
            add_ext(c, issuer, NID_key_usage, usage) &&
            add_ext(c, issuer, NID_ext_key_usage, "serverAuth") &&
            add_ext(c, issuer, NID_subject_key_identifier, "hash") &&
            add_ext(c, issuer, NID_authority_key_identifier, "keyid:always") &&
            // RFC 6125 §6.4.4: clients match on SAN, not CN, so every name goes here.
            X509_add1_ext_i2d(c, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) == 1 &&
            X509_sign(c, ca_key->get(), EVP_sha256()) > 0;
  if (!ok) {
    ERR_clear_error();
    return unexpected(CertError::BuildFailed);
  }
  return to_pem(*cert, *key);
}

}  // namespace sa::crypto
