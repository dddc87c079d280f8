#include "http/router.hpp"

#include <catch2/catch.hpp>

using namespace sa::http;

namespace {

Response dispatch(const Router& router, Request req) {
  Response out;
  bool called = false;
  router.dispatch(req, Responder([&](Response r) {
                    out = std::move(r);
                    called = true;
                  }));
  REQUIRE(called);
  return out;
}

Request make(Method m, std::string path, std::vector<Header> headers = {}) {
  Request r;
  r.method = m;
  r.path = path;
  r.target = path;
  r.headers = std::move(headers);
  r.tls = true;
  r.request_id = "rid-1";
  return r;
}

Router sample_router(RouterSettings settings = {}) {
  Router router(std::move(settings));
  router.add(Method::GET, "/doc", "doc", sync_handler([](const Request&) {
               return Response::json(200, "{}");
             }),
             {.cors = true, .cacheable = true, .discovery_field = "doc_endpoint"});
  router.add(Method::POST, "/items/{id}", "item", sync_handler([](const Request& req) {
               return Response::text(200, std::string(req.path_param("id").value_or("?")));
             }));
  router.add(Method::GET, "/boom", "boom", sync_handler([](const Request&) -> Response {
               throw std::runtime_error("bug");
             }));
  router.add(Method::GET, "/silent", "silent", [](const Request&, Responder) {});
  return router;
}

}  // namespace

TEST_CASE("a route with a capture passes the segment to the handler", "[router]") {
  auto res = dispatch(sample_router(), make(Method::POST, "/items/abc"));
  REQUIRE(res.status == 200);
  REQUIRE(res.body == "abc");
}

TEST_CASE("an empty capture or extra segment does not match", "[router]") {
  REQUIRE(dispatch(sample_router(), make(Method::POST, "/items/")).status == 404);
  REQUIRE(dispatch(sample_router(), make(Method::POST, "/items/a/b")).status == 404);
}

TEST_CASE("an unknown path is a JSON 404 with no-store", "[router]") {
  auto res = dispatch(sample_router(), make(Method::GET, "/nowhere"));
  REQUIRE(res.status == 404);
  REQUIRE(res.header("Content-Type") == "application/json");
  REQUIRE(res.header("Cache-Control") == "no-store");
  REQUIRE(res.body.find("\"error\":\"not_found\"") != std::string::npos);
}

TEST_CASE("a known path with the wrong method is 405 listing the allowed methods", "[router]") {
  auto res = dispatch(sample_router(), make(Method::PUT, "/doc"));
  REQUIRE(res.status == 405);
  REQUIRE(res.header("Allow") == "GET, HEAD, OPTIONS");
}

TEST_CASE("HEAD is served by the GET handler", "[router]") {
  REQUIRE(dispatch(sample_router(), make(Method::HEAD, "/doc")).status == 200);
}

TEST_CASE("every response carries the security headers; HSTS only over TLS", "[router]") {
  auto res = dispatch(sample_router(), make(Method::POST, "/items/x"));
  REQUIRE(res.header("X-Content-Type-Options") == "nosniff");
  REQUIRE(res.header("Referrer-Policy") == "no-referrer");
  REQUIRE(res.header("Strict-Transport-Security").has_value());
  REQUIRE(res.header("Cache-Control") == "no-store");
  REQUIRE(res.header("Pragma") == "no-cache");
  REQUIRE(res.header("X-Request-Id") == "rid-1");
  auto plain = make(Method::POST, "/items/x");
  plain.tls = false;
  REQUIRE_FALSE(dispatch(sample_router(), plain).header("Strict-Transport-Security"));
}

TEST_CASE("cacheable routes are not marked no-store", "[router]") {
  auto res = dispatch(sample_router(), make(Method::GET, "/doc"));
  REQUIRE(res.header("Cache-Control") == "public, max-age=300");
}

TEST_CASE("CORS headers appear only on CORS routes and for allowed origins", "[router][cors]") {
  Request req = make(Method::GET, "/doc", {{"Origin", "https://app.test"}});
  REQUIRE(dispatch(sample_router(), req).header("Access-Control-Allow-Origin") ==
          "https://app.test");
  Request other = make(Method::POST, "/items/1", {{"Origin", "https://app.test"}});
  REQUIRE_FALSE(dispatch(sample_router(), other).header("Access-Control-Allow-Origin"));
  auto restricted = sample_router({{"https://only.test"}});
  REQUIRE_FALSE(dispatch(restricted, req).header("Access-Control-Allow-Origin"));
}

TEST_CASE("an OPTIONS preflight on a CORS route answers 204 with the allowed methods",
          "[router][cors]") {
  auto res = dispatch(sample_router(), make(Method::OPTIONS, "/doc", {{"Origin", "https://a.test"}}));
  REQUIRE(res.status == 204);
  REQUIRE(res.header("Access-Control-Allow-Methods") == "GET, HEAD, OPTIONS");
  REQUIRE(res.header("Access-Control-Allow-Headers") == "Authorization, Content-Type");
}

TEST_CASE("a handler that throws answers 500 with the request id", "[router]") {
  auto res = dispatch(sample_router(), make(Method::GET, "/boom"));
  REQUIRE(res.status == 500);
  REQUIRE(res.body.find("rid-1") != std::string::npos);
  REQUIRE(res.body.find("bug") == std::string::npos);  // internals stay in the log
}

TEST_CASE("a handler that drops its responder still answers 500", "[router]") {
  auto res = dispatch(sample_router(), make(Method::GET, "/silent"));
  REQUIRE(res.status == 500);
}

TEST_CASE("advertised lists the discovery field of each registered route", "[router]") {
  auto ads = sample_router().advertised();
  REQUIRE(ads.size() == 1);
  REQUIRE(ads[0] == std::pair<std::string, std::string>{"doc_endpoint", "/doc"});
}

TEST_CASE("a rate-limited route answers 429 with Retry-After once an address spends its budget",
          "[router][ratelimit]") {  // CAUTH-2
  sa::FakeClock clock(1'700'000'000);
  sa::ratelimit::WindowLimiter limiter({.budget = 2, .window_s = 60, .max_keys = 10}, clock);
  sa::obs::Metrics metrics;
  Router router = sample_router();
  REQUIRE(router.limit(Method::POST, "/items/{id}", {&limiter, "items_per_ip", &metrics}));
  REQUIRE_FALSE(router.limit(Method::POST, "/nowhere", {&limiter, "x", &metrics}));
  auto from = [](const std::string& ip) {
    Request req = make(Method::POST, "/items/a");
    req.remote_addr = ip;
    return req;
  };
  REQUIRE(dispatch(router, from("192.0.2.1")).status == 200);
  REQUIRE(dispatch(router, from("192.0.2.1")).status == 200);
  clock.advance(15);
  auto refused = dispatch(router, from("192.0.2.1"));
  REQUIRE(refused.status == 429);
  REQUIRE(refused.header("Retry-After") == "45");
  REQUIRE(refused.header("Cache-Control") == "no-store");
  REQUIRE(refused.body.find("\"temporarily_unavailable\"") != std::string::npos);
  REQUIRE(dispatch(router, from("192.0.2.2")).status == 200);  // another address
  REQUIRE(dispatch(router, make(Method::GET, "/doc")).status == 200);  // other routes unlimited
  REQUIRE(metrics.render().find("smart_auth_rate_limited_total{limit=\"items_per_ip\"} 1") !=
          std::string::npos);
  clock.advance(45);
  REQUIRE(dispatch(router, from("192.0.2.1")).status == 200);
}

// TOKEN-7, DCR-2: the token and registration routes return secrets and are not cacheable; the
// router alone marks them no-store, so a handler cannot make them cacheable, success or error.
TEST_CASE("a route that is not cacheable answers no-store even when its handler says otherwise",
          "[router]") {
  Router router;
  router.add(Method::POST, "/secret", "secret", sync_handler([](const Request& req) {
               Response res = req.body.empty() ? Response::json(200, R"({"token":"t"})")
                                               : error_response(400, "invalid_request", "bad");
               res.set("Cache-Control", "public, max-age=60");
               res.set("Pragma", "public");
               return res;
             }));
  Request success = make(Method::POST, "/secret");
  Request failure = make(Method::POST, "/secret");
  failure.body = "x";
  for (const Request& req : {success, failure}) {
    auto res = dispatch(router, req);
    CAPTURE(res.status);
    CHECK(res.header("Cache-Control") == "no-store");
    CHECK(res.header("Pragma") == "no-cache");
  }
}

TEST_CASE("an error on a cacheable route is not cached", "[router]") {
  Router router;
  router.add(Method::GET, "/doc", "doc", sync_handler([](const Request&) {
               return error_response(503, "temporarily_unavailable", "keys not loaded");
             }),
             {.cacheable = true});
  router.add(Method::GET, "/boom", "boom", sync_handler([](const Request&) -> Response {
               throw std::runtime_error("bug");
             }),
             {.cacheable = true});
  for (const char* path : {"/doc", "/boom"}) {
    auto res = dispatch(router, make(Method::GET, path));
    CAPTURE(path, res.status);
    CHECK(res.header("Cache-Control") == "no-store");
    CHECK(res.header("Pragma") == "no-cache");
  }
}
