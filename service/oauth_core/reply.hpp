// Answers an OAuth request: every error leaves through reply_error (metrics by error code, the
// internal reason to the log with the request id, the public part to the client via
// to_response), every issued token through reply_token_issued.
#pragma once

#include <string_view>

#include "http/message.hpp"
#include "obs/metrics.hpp"
#include "oauth_core/errors.hpp"

namespace sa::oauth {

void reply_error(const http::Responder& done, const Error& error, std::string_view endpoint,
                 std::string_view request_id, obs::Metrics& metrics);

// Counts an issued token for /metrics (by grant type).
void count_token_issued(obs::Metrics& metrics, std::string_view grant_type);

}  // namespace sa::oauth
