// Brute-force protection for the login page, counted per username and per address.
#include "authorize/login_throttle.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace sa;
using namespace sa::authorize;

namespace {

config::RateLimitSettings settings(std::uint32_t per_user, std::uint32_t per_ip) {
  config::RateLimitSettings s;
  s.window_s = 60;
  s.failed_login_per_user = per_user;
  s.failed_login_per_ip = per_ip;
  return s;
}

bool has_line(const obs::Metrics& metrics, const std::string& line) {
  return metrics.render().find(line) != std::string::npos;
}

}  // namespace

TEST_CASE(
    "after the per-user budget of failures every login for that user is refused until "
    "the window closes",
    "[login_throttle]") {
  // AUTHZ-14: RFC 9700 §4.16 brute-force protection of the login page.
  FakeClock clock(1'000'000);
  obs::Metrics metrics;
  LoginThrottle throttle(settings(3, 100), clock, metrics);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(throttle.check("alice", "192.0.2.1").allowed);
    throttle.failed("alice", "192.0.2.1");
  }
  // From another address too, and whatever the case of the name.
  auto verdict = throttle.check("Alice", "198.51.100.7");
  CHECK_FALSE(verdict.allowed);
  CHECK(verdict.retry_after_s == 60);
  CHECK(throttle.check("bob", "192.0.2.1").allowed);
  CHECK(has_line(metrics, "smart_auth_login_throttled_total{limit=\"failed_login_per_user\"} 1"));
  CHECK(has_line(metrics, "smart_auth_login_failures_total 3"));

  clock.advance(59);
  CHECK_FALSE(throttle.check("alice", "192.0.2.1").allowed);
  clock.advance(1);
  CHECK(throttle.check("alice", "192.0.2.1").allowed);
}

TEST_CASE("after the per-address budget of failures every login from that address is refused",
          "[login_throttle]") {
  FakeClock clock(1'000'000);
  obs::Metrics metrics;
  LoginThrottle throttle(settings(100, 2), clock, metrics);
  throttle.failed("alice", "2001:db8::1");
  throttle.failed("bob", "2001:db8::2");  // the same /64
  auto verdict = throttle.check("carol", "2001:db8::3");
  CHECK_FALSE(verdict.allowed);
  CHECK(verdict.retry_after_s >= 1);
  CHECK(throttle.check("carol", "2001:db9::3").allowed);
  CHECK(has_line(metrics, "smart_auth_login_throttled_total{limit=\"failed_login_per_ip\"} 1"));
}

TEST_CASE("with rate limits disabled logins are never refused but failures are still counted",
          "[login_throttle]") {
  FakeClock clock(1'000'000);
  obs::Metrics metrics;
  auto s = settings(1, 1);
  s.enabled = false;
  LoginThrottle throttle(s, clock, metrics);
  for (int i = 0; i < 5; ++i) throttle.failed("alice", "192.0.2.1");
  CHECK(throttle.check("alice", "192.0.2.1").allowed);
  CHECK(has_line(metrics, "smart_auth_login_failures_total 5"));
}
