// Brute-force protection for the login page (RFC 9700 §4.16 and SMART App Launch 2.2): failed
// logins counted per username and per peer address in fixed windows; over either budget every
// attempt, a correct one included, is refused until the window closes. Counts refusals and
// failures in /metrics; the endpoint audits. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "config/config.hpp"
#include "obs/metrics.hpp"
#include "ratelimit/window_limiter.hpp"
#include "util/clock.hpp"

namespace sa::authorize {

class LoginThrottle {
 public:
  // rate_limits.enabled false: never refuses (still counts failures in metrics).
  LoginThrottle(const config::RateLimitSettings& settings, const Clock& clock,
                obs::Metrics& metrics);

  // Before checking a password: refused when the username or the address is over budget.
  ratelimit::Verdict check(std::string_view username, std::string_view remote_addr) const;
  // After a wrong password (or unknown user).
  void failed(std::string_view username, std::string_view remote_addr);

 private:
  std::unique_ptr<ratelimit::WindowLimiter> per_user_;
  std::unique_ptr<ratelimit::WindowLimiter> per_ip_;
  obs::Metrics& metrics_;
};

}  // namespace sa::authorize
