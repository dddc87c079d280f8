// Brute-force limits on client authentication (SMART App Launch 2.2, Client Confidential Symmetric:
// MUST rate-limit brute force). Failed attempts are counted per peer address (an IPv6 /64, see
// ratelimit/address_key.hpp) and per client_id; once either is over its budget every attempt is
// refused (429) before any credential is checked, so guessing stops even when a guess would be
// right. The counting is ratelimit::WindowLimiter's; this class only knows which keys to count.
#pragma once

#include <optional>
#include <string_view>

#include "config/config.hpp"
#include "oauth_core/errors.hpp"
#include "obs/metrics.hpp"
#include "ratelimit/window_limiter.hpp"
#include "util/clock.hpp"

namespace sa::clientauth {

class FailedAuthLimits {
 public:
  FailedAuthLimits(const config::RateLimitSettings& settings, const Clock& clock,
                   obs::Metrics& metrics);

  // nullopt: go ahead. Otherwise the 429 to answer, already audited and counted. An empty
  // client_id (not known yet) checks the address alone.
  std::optional<oauth::Error> refusal(std::string_view ip, std::string_view client_id,
                                      std::string_view route) const;
  // One failed authentication from `ip` for `client_id` (empty: the address alone).
  void record_failure(std::string_view ip, std::string_view client_id);

 private:
  bool enabled_;
  ratelimit::WindowLimiter per_ip_;
  ratelimit::WindowLimiter per_client_;
  obs::Metrics& metrics_;
};

}  // namespace sa::clientauth
