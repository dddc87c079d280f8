#include "crypto/certs.hpp"

#include <catch2/catch.hpp>

using namespace sa::crypto;

namespace {
constexpr std::int64_t kNow = 1'700'000'000;  // 2023-11-14

Cert load(const std::string& pem) {
  auto cert = certificate_from_pem(pem);
  REQUIRE(cert.has_value());
  return std::move(*cert);
}

// Full chain verification as a TLS client would do it, at a pinned time.
int verify_chain(X509* ca, X509* leaf, std::int64_t at) {
  CertStore store{X509_STORE_new()};
  REQUIRE(X509_STORE_add_cert(store.get(), ca) == 1);
  CertStoreCtx ctx{X509_STORE_CTX_new()};
  REQUIRE(X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr) == 1);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at));
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set1_host(param, "localhost", 0);
  if (X509_verify_cert(ctx.get()) == 1) return X509_V_OK;
  return X509_STORE_CTX_get_error(ctx.get());
}
}  // namespace

TEST_CASE("a generated CA is self-signed, a CA, and valid for ten years", "[certs]") {
  FakeRandom random;
  auto type = GENERATE(KeyType::EC_P256, KeyType::RSA);
  auto ca = generate_ca({.common_name = "test CA", .key_type = type}, random, kNow);
  REQUIRE(ca.has_value());
  Cert cert = load(ca->cert_pem);
  PKey key = private_key_from_pem(ca->key_pem).value();
  CHECK(X509_verify(cert.get(), key.get()) == 1);
  CHECK(X509_check_ca(cert.get()) >= 1);
  CHECK((X509_get_key_usage(cert.get()) & KU_KEY_CERT_SIGN) != 0);
  int days = 0, secs = 0;
  REQUIRE(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert.get()),
                         X509_get0_notAfter(cert.get())) == 1);
  CHECK(days == 3650);
}

TEST_CASE("a server certificate chains to its CA and names localhost", "[certs]") {
  FakeRandom random;
  auto ca = generate_ca({}, random, kNow).value();
  ServerCertOptions options;
  options.extra_dns_names = {"auth.example.test"};
  options.extra_ip_addresses = {"10.0.0.7"};
  auto server = generate_server_cert(ca, options, random, kNow);
  REQUIRE(server.has_value());
  Cert ca_cert = load(ca.cert_pem);
  Cert leaf = load(server->cert_pem);
  PKey ca_key = private_key_from_pem(ca.key_pem).value();
  CHECK(X509_verify(leaf.get(), ca_key.get()) == 1);
  CHECK(X509_check_host(leaf.get(), "localhost", 0, 0, nullptr) == 1);
  CHECK(X509_check_host(leaf.get(), "auth.example.test", 0, 0, nullptr) == 1);
  CHECK(X509_check_host(leaf.get(), "other.example.test", 0, 0, nullptr) == 0);
  CHECK(X509_check_ip_asc(leaf.get(), "127.0.0.1", 0) == 1);
  CHECK(X509_check_ip_asc(leaf.get(), "::1", 0) == 1);
  CHECK(X509_check_ip_asc(leaf.get(), "10.0.0.7", 0) == 1);
  CHECK(X509_check_ca(leaf.get()) == 0);
  CHECK((X509_get_extended_key_usage(leaf.get()) & XKU_SSL_SERVER) != 0);
  PKey leaf_key = private_key_from_pem(server->key_pem).value();
  CHECK(X509_check_private_key(leaf.get(), leaf_key.get()) == 1);
  int days = 0, secs = 0;
  REQUIRE(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(leaf.get()),
                         X509_get0_notAfter(leaf.get())) == 1);
  CHECK(days == 825);

  CHECK(verify_chain(ca_cert.get(), leaf.get(), kNow) == X509_V_OK);
  CHECK(verify_chain(ca_cert.get(), leaf.get(), kNow + 826LL * 86400) ==
        X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_CASE("a server certificate is refused for a CA key that is not the CA's", "[certs]") {
  FakeRandom random;
  auto ca = generate_ca({}, random, kNow).value();
  auto other = generate_ca({}, random, kNow).value();
  ca.key_pem = other.key_pem;
  CHECK(generate_server_cert(ca, {}, random, kNow).error() == CertError::CaKeyMismatch);
  CHECK(generate_server_cert({"junk", "junk"}, {}, random, kNow).error() ==
        CertError::BadCaCertificate);
}

TEST_CASE("malformed extra SAN entries are refused rather than injected", "[certs]") {
  FakeRandom random;
  auto ca = generate_ca({}, random, kNow).value();
  ServerCertOptions bad_dns;
  bad_dns.extra_dns_names = {"evil.test,IP:1.2.3.4"};
  CHECK(generate_server_cert(ca, bad_dns, random, kNow).error() == CertError::BadSubjectAltName);
  ServerCertOptions bad_ip;
  bad_ip.extra_ip_addresses = {"300.1.1.1"};
  CHECK(generate_server_cert(ca, bad_ip, random, kNow).error() == CertError::BadSubjectAltName);
}

TEST_CASE("certificate serial numbers are positive and come from the injected random", "[certs]") {
  FakeRandom a(7), b(7);
  Cert first = load(generate_ca({}, a, kNow).value().cert_pem);
  Cert second = load(generate_ca({}, b, kNow).value().cert_pem);
  CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(first.get()),
                         X509_get0_serialNumber(second.get())) == 0);
  BigNum serial{ASN1_INTEGER_to_BN(X509_get0_serialNumber(first.get()), nullptr)};
  CHECK(BN_is_negative(serial.get()) == 0);
  CHECK(BN_is_zero(serial.get()) == 0);
}
