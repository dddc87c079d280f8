// Answers an OAuth request: every OAuth error of every endpoint (token, register,
// client_configuration) leaves through reply_error (metrics by endpoint and error code, the
// internal reason to the log with the request id, the public part to the client via
// to_response); count_token_issued counts every issued token.
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
