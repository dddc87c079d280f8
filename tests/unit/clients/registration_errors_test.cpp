// The registrar's errors leave through oauth::reply_error like the token endpoint's: counted in
// smart_auth_oauth_errors_total by endpoint and code, and answered through the router, which
// marks them no-store. The endpoints run behind a real Router over a real SQLite client store.
#include <catch2/catch.hpp>

#include "clients/routes.hpp"
#include "clients/sqlite_client_store.hpp"
#include "unit/store/store_test_support.hpp"

namespace sa::clients {
namespace {

struct Fixture {
  store::test::TempDir dir;
  std::unique_ptr<store::Database> db = store::test::open_database(dir);
  SqliteClientStore clients{*db};
  config::Config config;
  FakeClock clock{1'700'000'000};
  crypto::FakeRandom random;
  InitialAccessTokens initial_access_tokens;
  obs::Metrics metrics;
  http::Router router = [this] {
    http::Router r;
    register_registration_routes(
        r, {config, clients, clock, random, initial_access_tokens, metrics});
    return r;
  }();

  http::Response send(http::Method method, std::string path, std::vector<http::Header> headers,
                      std::string body = {}) {
    http::Request req;
    req.method = method;
    req.path = path;
    req.target = std::move(path);
    req.headers = std::move(headers);
    req.body = std::move(body);
    req.request_id = "rid-1";
    http::Response out;
    router.dispatch(req, http::Responder([&](http::Response r) { out = std::move(r); }));
    return out;
  }
  bool counted(const std::string& line) const {
    return metrics.render().find(line) != std::string::npos;
  }
};

const std::vector<http::Header> kJson = {{"Content-Type", "application/json"}};

TEST_CASE_METHOD(Fixture, "refused registration metadata is counted by endpoint and code",
                 "[clients][register]") {  // DCR-4
  auto res = send(http::Method::POST, "/auth/register", kJson,
                  R"({"grant_types":["password"],"redirect_uris":["https://a.example/cb"]})");
  CHECK(res.status == 400);
  CHECK(res.body.find(R"("error":"invalid_client_metadata")") != std::string::npos);
  CHECK(res.header("Cache-Control") == "no-store");
  CHECK(res.header("Pragma") == "no-cache");
  CHECK(counted(
      R"(smart_auth_oauth_errors_total{endpoint="register",error="invalid_client_metadata"} 1)"));

  send(http::Method::POST, "/auth/register", {}, "{}");
  CHECK(counted(R"(smart_auth_oauth_errors_total{endpoint="register",error="invalid_request"} 1)"));
}

TEST_CASE_METHOD(Fixture, "a refused client configuration request is counted by endpoint and code",
                 "[clients][register]") {  // DCR-6
  for (http::Method method : {http::Method::GET, http::Method::DELETE_}) {
    auto res = send(method, "/auth/register/unknown", {{"Authorization", "Bearer wrong"}});
    CHECK(res.status == 401);
    CHECK(res.header("WWW-Authenticate").has_value());
    CHECK(res.header("Cache-Control") == "no-store");
  }
  CHECK(counted(
      R"(smart_auth_oauth_errors_total{endpoint="client_configuration",error="invalid_token"} 2)"));
}

}  // namespace
}  // namespace sa::clients
