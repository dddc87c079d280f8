// What the Fetcher sends beyond a plain GET (for the EHR user directory, CONTRACT "User directory
// adapter"): POST bodies, extra headers, a client certificate, answers other than 200 handed
// back when the caller asks, and the per-instance address policy. Against a real HTTPS server on
// loopback with its own CA (tests/support/local_https_server).
#include <array>
#include <catch2/catch.hpp>
#include <ctime>
#include <fstream>
#include <future>

#include "crypto/certs.hpp"
#include "crypto/random.hpp"
#include "net/fetch_policy.hpp"
#include "net/fetcher.hpp"
#include "support/local_https_server.hpp"
#include "support/service_process.hpp"

namespace sa::net {
namespace {

FetchResult run(Fetcher& fetcher, FetchRequest request) {
  std::promise<FetchResult> promise;
  auto future = promise.get_future();
  fetcher.fetch(std::move(request), [&promise](FetchResult r) { promise.set_value(std::move(r)); });
  return future.get();
}

struct Server {
  test::TempDir dir;
  test::LocalHttpsServer https{dir.path()};
  FetcherSettings settings() const {
    return FetcherSettings{
        .timeout_ms = 3'000, .max_bytes = 4096, .allow_loopback = true, .ca_file = https.ca_file()};
  }
};

TEST_CASE_METHOD(Server, "a POST carries its JSON body and the caller's headers",
                 "[net][fetcher]") {
  https.set_answer("POST", "/authenticate", {200, R"({"id":"u1"})"});
  Fetcher fetcher(settings());
  auto r = run(fetcher, FetchRequest{.method = Method::post,
                                     .url = https.url("/authenticate"),
                                     .headers = {{"Authorization", "Bearer s3cret"}},
                                     .body = R"({"username":"a","password":"b"})"});
  CHECK(r.status == FetchStatus::ok);
  CHECK(r.http_status == 200);
  CHECK(r.body == R"({"id":"u1"})");
  auto seen = https.recorded();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].target == "/authenticate");
  CHECK(seen[0].body == R"({"username":"a","password":"b"})");
  CHECK(seen[0].header("authorization") == "Bearer s3cret");
  CHECK(seen[0].header("content-type") == "application/json");
  CHECK(seen[0].header("content-length") == "31");
}

TEST_CASE_METHOD(Server, "a GET with headers sends no body", "[net][fetcher]") {
  https.set_answer("GET", "/users/u1", {200, "{}"});
  Fetcher fetcher(settings());
  auto r = run(fetcher, FetchRequest{.url = https.url("/users/u1?x=1"),
                                     .headers = {{"Authorization", "Bearer t"}}});
  CHECK(r.status == FetchStatus::ok);
  auto seen = https.recorded();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "GET");
  CHECK(seen[0].target == "/users/u1?x=1");
  CHECK(seen[0].body.empty());
  CHECK(seen[0].header("authorization") == "Bearer t");
}

TEST_CASE_METHOD(Server, "a caller's header never replaces the Host or Connection the fetcher sets",
                 "[net][fetcher]") {
  Fetcher fetcher(settings());
  auto r = run(fetcher,
               FetchRequest{.url = https.url("/"),
                            .headers = {{"Host", "evil.example"}, {"Connection", "keep-alive"}}});
  CHECK(r.status == FetchStatus::ok);
  auto seen = https.recorded();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].header("host") == https.url("").substr(std::string("https://").size()));
  CHECK(seen[0].header("connection") == "close");
}

TEST_CASE_METHOD(Server, "statuses the caller lists come back with their body, others do not",
                 "[net][fetcher]") {
  https.set_answer("GET", "/users/nobody", {404, R"({"error":"no such user"})"});
  Fetcher fetcher(settings());
  SECTION("404 listed") {
    auto r =
        run(fetcher, FetchRequest{.url = https.url("/users/nobody"), .ok_statuses = {200, 404}});
    CHECK(r.status == FetchStatus::ok);
    CHECK(r.http_status == 404);
    CHECK(r.body == R"({"error":"no such user"})");
  }
  SECTION("only 200 listed: the status is reported, the body is not") {
    auto r = run(fetcher, FetchRequest{.url = https.url("/users/nobody")});
    CHECK(r.status == FetchStatus::http_status);
    CHECK(r.http_status == 404);
    CHECK(r.body.empty());
  }
}

TEST_CASE_METHOD(Server, "a header that could smuggle another header is never sent",
                 "[net][fetcher]") {
  Fetcher fetcher(settings());
  const Header bad =
      GENERATE(Header{"Authorization", "Bearer a\r\nX-Evil: 1"}, Header{"Bad Name", "v"},
               Header{"", "v"}, Header{"X", std::string("a\0b", 3)});
  auto r = run(fetcher, FetchRequest{.url = https.url("/"), .headers = {bad}});
  CHECK(r.status == FetchStatus::bad_request);
  CHECK(fetcher.connect_attempts() == 0);
  CHECK(https.requests() == 0);
}

struct MutualTls : Server {
  crypto::OpenSslRandom random;
  std::int64_t now = static_cast<std::int64_t>(std::time(nullptr)) - 60;
  crypto::CertAndKeyPem client_ca = crypto::generate_ca({"client CA"}, random, now).value();
  crypto::CertAndKeyPem client =
      crypto::generate_server_cert(client_ca, {.common_name = "smart-auth directory client"},
                                   random, now)
          .value();
  std::string write(const std::string& name, const std::string& pem) {
    auto path = (dir.path() / name).string();
    std::ofstream(path) << pem;
    return path;
  }
  MutualTls() { https.require_client_certificate(write("client-ca.pem", client_ca.cert_pem)); }
};

TEST_CASE_METHOD(MutualTls, "a configured client certificate is presented for mutual TLS",
                 "[net][fetcher]") {
  auto s = settings();
  s.client_cert_file = write("client.pem", client.cert_pem);
  s.client_key_file = write("client.key", client.key_pem);
  Fetcher fetcher(s);
  auto r = run(fetcher, FetchRequest{.url = https.url("/")});
  CHECK(r.status == FetchStatus::ok);
  auto seen = https.recorded();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].client_subject.find("CN=smart-auth directory client") != std::string::npos);
}

TEST_CASE_METHOD(MutualTls, "without a client certificate a server that demands one refuses us",
                 "[net][fetcher]") {
  Fetcher fetcher(settings());
  auto r = run(fetcher, FetchRequest{.url = https.url("/")});
  CHECK(r.status != FetchStatus::ok);
  CHECK(https.requests() == 0);
}

TEST_CASE_METHOD(MutualTls,
                 "a client certificate without its key, or with another key, stops start-up",
                 "[net][fetcher]") {
  auto s = settings();
  s.client_cert_file = write("client.pem", client.cert_pem);
  CHECK_THROWS(Fetcher(s));
  s.client_key_file = write("other.key", client_ca.key_pem);
  CHECK_THROWS(Fetcher(s));
}

std::array<std::uint8_t, 4> v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return {a, b, c, d};
}

TEST_CASE("private-use addresses open only to a fetcher that allows them", "[net][fetch_policy]") {
  const AddressPolicy guard{};  // the jwks_uri fetcher: issue 3's SSRF guard
  const AddressPolicy directory{.allow_loopback = false, .allow_private = true};
  const auto address = GENERATE(v4(10, 0, 0, 1), v4(172, 16, 0, 1), v4(172, 31, 255, 254),
                                v4(192, 168, 1, 20), v4(100, 64, 0, 1), v4(100, 127, 255, 1));
  CAPTURE(address);
  CHECK(is_private_address(address));
  CHECK_FALSE(may_connect(address, guard));
  CHECK(may_connect(address, directory));
}

TEST_CASE("allowing private addresses never opens loopback, link-local or the rest",
          "[net][fetch_policy]") {
  const AddressPolicy directory{.allow_loopback = false, .allow_private = true};
  const auto address =
      GENERATE(v4(127, 0, 0, 1), v4(169, 254, 169, 254), v4(0, 0, 0, 0), v4(224, 0, 0, 1),
               v4(192, 0, 2, 1), v4(172, 32, 0, 1), v4(100, 128, 0, 1), v4(192, 169, 0, 1));
  CAPTURE(address);
  const bool global = classify_address(address) == AddressClass::global;
  CHECK_FALSE(is_private_address(address));
  CHECK(may_connect(address, directory) == global);
}

TEST_CASE("IPv6 unique-local is private, link-local and mapped forms are not",
          "[net][fetch_policy]") {
  const AddressPolicy directory{.allow_loopback = false, .allow_private = true};
  std::array<std::uint8_t, 16> ula{0xfd, 0x12, 0x34}, ula_fc{0xfc}, link_local{0xfe, 0x80},
      mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1}, loopback{};
  loopback[15] = 1;
  ula[15] = 1;
  CHECK(may_connect(ula, directory));
  CHECK(may_connect(ula_fc, directory));
  CHECK_FALSE(may_connect(ula, AddressPolicy{}));
  CHECK_FALSE(may_connect(link_local, directory));
  CHECK_FALSE(may_connect(mapped, directory));
  CHECK_FALSE(may_connect(loopback, directory));
  CHECK(may_connect(loopback, AddressPolicy{.allow_loopback = true}));
}

TEST_CASE("a fetcher that allows private addresses connects to one; the default refuses it",
          "[net][fetcher]") {
  // 10.255.255.1 (RFC 1918) is most likely unroutable here: the fetch ends by timeout or refusal,
  // but it must have passed the address check and tried to connect.
  Fetcher guarded(FetcherSettings{.timeout_ms = 200});
  CHECK(run(guarded, FetchRequest{.url = "https://10.255.255.1/"}).status ==
        FetchStatus::blocked_address);
  CHECK(guarded.connect_attempts() == 0);

  Fetcher directory(FetcherSettings{.timeout_ms = 200, .allow_private = true});
  CHECK(run(directory, FetchRequest{.url = "https://10.255.255.1/"}).status !=
        FetchStatus::blocked_address);
  CHECK(directory.connect_attempts() == 1);
  CHECK(run(directory, FetchRequest{.url = "https://169.254.169.254/"}).status ==
        FetchStatus::blocked_address);
  CHECK(run(directory, FetchRequest{.url = "https://127.0.0.1/"}).status ==
        FetchStatus::blocked_address);
  CHECK(directory.connect_attempts() == 1);
}

}  // namespace
}  // namespace sa::net
