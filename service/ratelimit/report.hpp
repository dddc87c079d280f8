// The one way a rate-limit refusal is made visible: an audit event "rate_limited" (which limit,
// the peer address, the client_id if known, the route) and smart_auth_rate_limited_total{limit}.
// Answering the request is the caller's job.
#pragma once

#include <string_view>

#include "obs/metrics.hpp"

namespace sa::ratelimit {

void report_refusal(obs::Metrics& metrics, std::string_view limit, std::string_view ip,
                    std::string_view client_id, std::string_view route);

}  // namespace sa::ratelimit
