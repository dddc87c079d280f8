#include "authorize/login_throttle.hpp"

#include <string>

#include "ratelimit/address_key.hpp"
#include "util/strings.hpp"

namespace sa::authorize {
namespace {

ratelimit::LimitSettings limit(const config::RateLimitSettings& s, std::uint32_t budget) {
  return {budget, s.window_s, s.max_tracked_keys};
}

// Usernames are counted without case, so "Alice" and "alice" share one budget whether or not
// the directory folds case.
std::string user_key(std::string_view username) { return to_lower(username); }

}  // namespace

LoginThrottle::LoginThrottle(const config::RateLimitSettings& settings, const Clock& clock,
                             obs::Metrics& metrics)
    : metrics_(metrics) {
  if (!settings.enabled) return;  // no limiters: check() always allows
  per_user_ = std::make_unique<ratelimit::WindowLimiter>(
      limit(settings, settings.failed_login_per_user), clock);
  per_ip_ = std::make_unique<ratelimit::WindowLimiter>(
      limit(settings, settings.failed_login_per_ip), clock);
}

ratelimit::Verdict LoginThrottle::check(std::string_view username,
                                        std::string_view remote_addr) const {
  if (!per_user_ || !per_ip_) return {};
  // RFC 9700 §4.16 / SMART App Launch 2.2: over budget, every attempt is refused, a correct
  // password included, so guessing stops even when a guess would be right.
  if (!username.empty()) {
    auto by_user = per_user_->check(user_key(username));
    if (!by_user.allowed) {
      metrics_.increment("smart_auth_login_throttled_total",
                         "Login attempts refused by the failed-login limits.",
                         {{"limit", "failed_login_per_user"}});
      return by_user;
    }
  }
  auto by_ip = per_ip_->check(ratelimit::address_key(remote_addr));
  if (!by_ip.allowed) {
    metrics_.increment("smart_auth_login_throttled_total",
                       "Login attempts refused by the failed-login limits.",
                       {{"limit", "failed_login_per_ip"}});
  }
  return by_ip;
}

void LoginThrottle::failed(std::string_view username, std::string_view remote_addr) {
  metrics_.increment("smart_auth_login_failures_total",
                     "Failed logins on the authorization pages (wrong password or unknown user).");
  if (!per_user_ || !per_ip_) return;
  if (!username.empty()) per_user_->record(user_key(username));
  per_ip_->record(ratelimit::address_key(remote_addr));
}

}  // namespace sa::authorize
