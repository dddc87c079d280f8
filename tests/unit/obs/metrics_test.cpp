#include "obs/metrics.hpp"

#include <catch2/catch.hpp>

using sa::obs::Metrics;

TEST_CASE("requests are counted by route, method and status", "[metrics]") {
  Metrics m;
  m.observe_request("token", "POST", 200, 0.002);
  m.observe_request("token", "POST", 200, 0.004);
  m.observe_request("token", "POST", 400, 0.001);
  auto text = m.render();
  REQUIRE(text.find("smart_auth_http_requests_total{route=\"token\",method=\"POST\",status=\"200\"} 2\n") !=
          std::string::npos);
  REQUIRE(text.find("status=\"400\"} 1\n") != std::string::npos);
}

TEST_CASE("the latency histogram is cumulative with a +Inf bucket, sum and count",
          "[metrics]") {
  Metrics m;
  m.observe_request("jwks", "GET", 200, 0.0008);  // in le=0.001 and above
  m.observe_request("jwks", "GET", 200, 3.0);     // only in +Inf
  auto text = m.render();
  REQUIRE(text.find("_bucket{route=\"jwks\",le=\"0.0005\"} 0\n") != std::string::npos);
  REQUIRE(text.find("_bucket{route=\"jwks\",le=\"0.001\"} 1\n") != std::string::npos);
  REQUIRE(text.find("_bucket{route=\"jwks\",le=\"2.5\"} 1\n") != std::string::npos);
  REQUIRE(text.find("_bucket{route=\"jwks\",le=\"+Inf\"} 2\n") != std::string::npos);
  REQUIRE(text.find("smart_auth_http_request_duration_seconds_count{route=\"jwks\"} 2\n") !=
          std::string::npos);
}

TEST_CASE("named counters carry HELP, TYPE and escaped labels", "[metrics]") {
  Metrics m;
  m.increment("smart_auth_oauth_errors_total", "OAuth errors by code.", {{"error", "in\"valid"}});
  m.increment("smart_auth_oauth_errors_total", "ignored", {{"error", "in\"valid"}}, 2);
  auto text = m.render();
  REQUIRE(text.find("# HELP smart_auth_oauth_errors_total OAuth errors by code.\n") !=
          std::string::npos);
  REQUIRE(text.find("# TYPE smart_auth_oauth_errors_total counter\n") != std::string::npos);
  REQUIRE(text.find("smart_auth_oauth_errors_total{error=\"in\\\"valid\"} 3\n") !=
          std::string::npos);
}
