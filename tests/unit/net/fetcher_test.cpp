#include <catch2/catch.hpp>

#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdlib.h>  // mkdtemp

#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>

#include "crypto/certs.hpp"
#include "net/fetcher.hpp"
#include "unit/net/test_http_server.hpp"

namespace sa::net {
namespace {

using test::http_response;
using test::TestHttpServer;

FetchResult fetch(Fetcher& fetcher, const std::string& url) {
  std::promise<FetchResult> promise;
  auto future = promise.get_future();
  fetcher.get(url, [&promise](FetchResult r) { promise.set_value(std::move(r)); });
  return future.get();
}

FetcherSettings loopback_settings() {
  return FetcherSettings{.timeout_ms = 2'000, .max_bytes = 1024, .allow_loopback = true};
}

std::string local_url(const TestHttpServer& server, const std::string& scheme = "http",
                      const std::string& host = "127.0.0.1") {
  return scheme + "://" + host + ":" + std::to_string(server.port()) + "/jwks";
}

TEST_CASE("a loopback fetch returns the body and the Cache-Control max-age", "[net][fetcher]") {
  TestHttpServer server(http_response(200, R"({"keys":[]})",
                                      "Content-Type: application/json\r\n"
                                      "Cache-Control: public, max-age=120\r\n"));
  Fetcher fetcher(loopback_settings());
  auto r = fetch(fetcher, local_url(server));
  CHECK(r.status == FetchStatus::ok);
  CHECK(r.http_status == 200);
  CHECK(r.body == R"({"keys":[]})");
  CHECK(r.max_age == 120u);
  CHECK(server.last_request().find("Accept: application/json\r\n") != std::string::npos);
  CHECK(server.last_request().rfind("GET /jwks HTTP/1.1\r\n", 0) == 0);
}

TEST_CASE("no-store means the document may not be cached", "[net][fetcher]") {
  TestHttpServer server(http_response(200, "{}", "Cache-Control: no-store\r\n"));
  Fetcher fetcher(loopback_settings());
  auto r = fetch(fetcher, local_url(server));
  CHECK(r.status == FetchStatus::ok);
  CHECK(r.max_age == 0u);
}

TEST_CASE("a status other than 200 is reported with the status", "[net][fetcher]") {
  TestHttpServer server(http_response(404, "nope"));
  Fetcher fetcher(loopback_settings());
  auto r = fetch(fetcher, local_url(server));
  CHECK(r.status == FetchStatus::http_status);
  CHECK(r.http_status == 404);
  CHECK(r.body.empty());
}

TEST_CASE("a body over the limit is refused while reading", "[net][fetcher]") {
  TestHttpServer server(http_response(200, std::string(5000, 'x')));
  Fetcher fetcher(loopback_settings());
  CHECK(fetch(fetcher, local_url(server)).status == FetchStatus::too_large);
}

TEST_CASE("a server that never answers times out", "[net][fetcher]") {
  TestHttpServer server("", TestHttpServer::Mode::hang);
  auto settings = loopback_settings();
  settings.timeout_ms = 200;
  Fetcher fetcher(settings);
  CHECK(fetch(fetcher, local_url(server)).status == FetchStatus::timeout);
}

TEST_CASE("loopback is refused unless allowed, by literal and by name", "[net][fetcher]") {
  TestHttpServer server(http_response(200, "{}"));
  Fetcher fetcher(FetcherSettings{.timeout_ms = 2'000});
  CHECK(fetch(fetcher, local_url(server, "https")).status == FetchStatus::blocked_address);
  CHECK(fetch(fetcher, local_url(server, "https", "localhost")).status ==
        FetchStatus::blocked_address);
  CHECK(fetch(fetcher, local_url(server, "https", "[::1]")).status ==
        FetchStatus::blocked_address);
  CHECK(fetcher.connect_attempts() == 0);
  CHECK(server.connections() == 0);
}

TEST_CASE("private, link-local and unspecified literals are refused without connecting",
          "[net][fetcher]") {
  Fetcher fetcher(loopback_settings());  // allowing loopback never allows the rest
  auto url = GENERATE(as<std::string>{}, "https://10.0.0.1/", "https://10.0.0.1/jwks",
                      "https://192.168.1.20:8443/", "https://169.254.169.254/latest/meta-data",
                      "https://[fe80::1]/", "https://[fd00::5]/", "https://0.0.0.0/",
                      "https://[::ffff:10.1.2.3]/");
  CAPTURE(url);
  CHECK(fetch(fetcher, url).status == FetchStatus::blocked_address);
  CHECK(fetcher.connect_attempts() == 0);
}

TEST_CASE("bad URLs, and plain http to a public host, are refused", "[net][fetcher]") {
  Fetcher fetcher(loopback_settings());
  auto url = GENERATE(as<std::string>{}, "ftp://example.org/", "jwks.json",
                      "https://user@example.org/", "http://93.184.216.34/jwks", "http://10.0.0.1/");
  CAPTURE(url);
  CHECK(fetch(fetcher, url).status == FetchStatus::bad_url);
  CHECK(fetcher.connect_attempts() == 0);
}

TEST_CASE("a host registration refuses is never fetched, even one the resolver reads as loopback",
          "[net][fetcher]") {
  // CAUTH-8: getaddrinfo reads "0x7f.1", "127.1" and "2130706433" as 127.0.0.1 (inet_aton), but
  // url/ refuses them as hosts, so no client could have registered them: neither may the fetcher.
  TestHttpServer server(http_response(200, "{}"));
  Fetcher fetcher(loopback_settings());
  const std::string host = GENERATE(as<std::string>{}, "0x7f.1", "127.1", "2130706433");
  CAPTURE(host);
  CHECK(fetch(fetcher, local_url(server, "http", host)).status == FetchStatus::bad_url);
  CHECK(server.connections() == 0);
}

struct TlsFixture {
  std::filesystem::path dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "sa-net-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return std::filesystem::path(pattern);
  }();
  crypto::OpenSslRandom random;
  // OpenSSL checks validity against the real clock, so these certificates must be current.
  std::int64_t now = static_cast<std::int64_t>(std::time(nullptr)) - 60;
  crypto::CertAndKeyPem ca = crypto::generate_ca({}, random, now).value();
  crypto::CertAndKeyPem leaf = crypto::generate_server_cert(ca, {}, random, now).value();
  ~TlsFixture() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  std::string write(const std::string& name, const std::string& pem) {
    auto path = (dir / name).string();
    std::ofstream(path) << pem;
    return path;
  }
};

TEST_CASE_METHOD(TlsFixture, "https verifies the certificate chain and the host name",
                 "[net][fetcher]") {
  TestHttpServer server(http_response(200, R"({"keys":[]})", "Cache-Control: max-age=5\r\n"),
                        TestHttpServer::Mode::respond,
                        test::TlsIdentity{leaf.cert_pem, leaf.key_pem});
  auto settings = loopback_settings();
  SECTION("trusted CA and matching name") {
    settings.ca_file = write("ca.pem", ca.cert_pem);
    Fetcher fetcher(settings);
    auto r = fetch(fetcher, local_url(server, "https", "localhost"));
    CHECK(r.status == FetchStatus::ok);
    CHECK(r.max_age == 5u);
    CHECK(fetch(fetcher, local_url(server, "https", "127.0.0.1")).status == FetchStatus::ok);
  }
  SECTION("an unknown CA fails the handshake") {
    auto other = crypto::generate_ca({}, random, now).value();
    settings.ca_file = write("other.pem", other.cert_pem);
    Fetcher fetcher(settings);
    CHECK(fetch(fetcher, local_url(server, "https", "localhost")).status ==
          FetchStatus::tls_failed);
  }
}

// The fixture's leaf with its subjectAltName replaced by `san` and re-signed by the same CA: the
// same key and chain, other names. generate_server_cert always adds localhost and 127.0.0.1.
std::string leaf_naming(const TlsFixture& f, const char* san) {
  auto cert = crypto::certificate_from_pem(f.leaf.cert_pem).value();
  auto ca_cert = crypto::certificate_from_pem(f.ca.cert_pem).value();
  auto ca_key = crypto::private_key_from_pem(f.ca.key_pem).value();
  int at = X509_get_ext_by_NID(cert.get(), NID_subject_alt_name, -1);
  REQUIRE(at >= 0);
  crypto::CertExtension old{X509_delete_ext(cert.get(), at)};
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, ca_cert.get(), cert.get(), nullptr, nullptr, 0);
  crypto::CertExtension names{X509V3_EXT_nconf_nid(nullptr, &ctx, NID_subject_alt_name, san)};
  REQUIRE(names);
  REQUIRE(X509_add_ext(cert.get(), names.get(), -1) == 1);
  REQUIRE(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0);
  crypto::Bio bio{BIO_new(BIO_s_mem())};
  REQUIRE(PEM_write_bio_X509(bio.get(), cert.get()) == 1);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// CAUTH-8: the client's JWKS comes only from the host its jwks_uri names. RFC 6125 §6: a trusted
// chain is not enough, the certificate must name the host (DNS-ID) or address (IP-ID) we asked
// for. Each section fetches the name the certificate lacks and, as the control, the one it has.
TEST_CASE_METHOD(TlsFixture, "a trusted certificate for another host name fails as tls_failed",
                 "[net][fetcher]") {
  auto settings = loopback_settings();
  settings.ca_file = write("ca.pem", ca.cert_pem);
  SECTION("a host name the certificate does not name") {
    TestHttpServer server(
        http_response(200, R"({"keys":[]})"), TestHttpServer::Mode::respond,
        test::TlsIdentity{leaf_naming(*this, "DNS:keys.example.org,IP:127.0.0.1"), leaf.key_pem});
    Fetcher fetcher(settings);
    CHECK(fetch(fetcher, local_url(server, "https", "127.0.0.1")).status == FetchStatus::ok);
    CHECK(fetch(fetcher, local_url(server, "https", "localhost")).status ==
          FetchStatus::tls_failed);
  }
  SECTION("an IP address the certificate does not name") {
    TestHttpServer server(http_response(200, R"({"keys":[]})"), TestHttpServer::Mode::respond,
                          test::TlsIdentity{leaf_naming(*this, "DNS:localhost"), leaf.key_pem});
    Fetcher fetcher(settings);
    CHECK(fetch(fetcher, local_url(server, "https", "localhost")).status == FetchStatus::ok);
    CHECK(fetch(fetcher, local_url(server, "https", "127.0.0.1")).status ==
          FetchStatus::tls_failed);
  }
}

// `smart-auth healthcheck` with a configured certificate: it dials the loopback listener but the
// certificate names only the public host. RFC 6125 §6 still holds: the name checked is the one
// the request says to expect, and a certificate without it fails.
TEST_CASE_METHOD(TlsFixture, "verify_host checks the certificate against that name, not the URL's",
                 "[net][fetcher]") {
  auto settings = loopback_settings();
  settings.ca_file = write("ca.pem", ca.cert_pem);
  TestHttpServer server(http_response(200, R"({"status":"ok"})"), TestHttpServer::Mode::respond,
                        test::TlsIdentity{leaf_naming(*this, "DNS:auth.example.org"), leaf.key_pem});
  Fetcher fetcher(settings);
  auto with_name = [&](std::string name) {
    FetchRequest request{.url = local_url(server, "https", "127.0.0.1")};
    request.verify_host = std::move(name);
    std::promise<FetchResult> promise;
    auto future = promise.get_future();
    fetcher.fetch(std::move(request), [&promise](FetchResult r) { promise.set_value(std::move(r)); });
    return future.get().status;
  };
  CHECK(with_name("") == FetchStatus::tls_failed);  // 127.0.0.1 is not in the certificate
  CHECK(with_name("auth.example.org") == FetchStatus::ok);
  CHECK(with_name("other.example.org") == FetchStatus::tls_failed);
}

TEST_CASE("destroying the fetcher completes fetches in progress", "[net][fetcher]") {
  TestHttpServer server("", TestHttpServer::Mode::hang);
  std::promise<FetchResult> promise;
  auto future = promise.get_future();
  {
    auto settings = loopback_settings();
    settings.timeout_ms = 60'000;
    Fetcher fetcher(settings);
    fetcher.get(local_url(server), [&promise](FetchResult r) { promise.set_value(std::move(r)); });
    while (server.connections() == 0) std::this_thread::yield();
  }
  CHECK(future.get().status == FetchStatus::shut_down);
}

}  // namespace
}  // namespace sa::net
