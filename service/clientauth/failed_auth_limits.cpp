#include "clientauth/failed_auth_limits.hpp"

#include "ratelimit/address_key.hpp"
#include "ratelimit/report.hpp"

namespace sa::clientauth {
namespace {

ratelimit::LimitSettings limit(const config::RateLimitSettings& s, std::uint32_t budget) {
  return {budget, s.window_s, s.max_tracked_keys};
}

}  // namespace

FailedAuthLimits::FailedAuthLimits(const config::RateLimitSettings& settings, const Clock& clock,
                                   obs::Metrics& metrics)
    : enabled_(settings.enabled),
      per_ip_(limit(settings, settings.failed_auth_per_ip), clock),
      per_client_(limit(settings, settings.failed_auth_per_client), clock),
      metrics_(metrics) {}

std::optional<oauth::Error> FailedAuthLimits::refusal(std::string_view ip,
                                                      std::string_view client_id,
                                                      std::string_view route) const {
  if (!enabled_) return std::nullopt;
  // SMART App Launch 2.2, Client Confidential Symmetric: MUST rate-limit brute force;
  // RFC 6585 §4: 429 with Retry-After.
  auto by_ip = per_ip_.check(ratelimit::address_key(ip));
  if (!by_ip.allowed) {
    ratelimit::report_refusal(metrics_, "failed_auth_per_ip", ip, client_id, route);
    return oauth::rate_limited_error(by_ip.retry_after_s);
  }
  if (client_id.empty()) return std::nullopt;
  auto by_client = per_client_.check(client_id);
  if (!by_client.allowed) {
    ratelimit::report_refusal(metrics_, "failed_auth_per_client", ip, client_id, route);
    return oauth::rate_limited_error(by_client.retry_after_s);
  }
  return std::nullopt;
}

void FailedAuthLimits::record_failure(std::string_view ip, std::string_view client_id) {
  if (!enabled_) return;
  per_ip_.record(ratelimit::address_key(ip));
  if (!client_id.empty()) per_client_.record(client_id);
}

}  // namespace sa::clientauth
