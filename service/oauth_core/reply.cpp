#include "oauth_core/reply.hpp"

#include "obs/log.hpp"

namespace sa::oauth {

void reply_error(const http::Responder& done, const Error& error, std::string_view endpoint,
                 std::string_view request_id, obs::Metrics& metrics) {
  const std::string code(to_string(error.code));
  metrics.increment("smart_auth_oauth_errors_total", "OAuth error responses by endpoint and code.",
                    {{"endpoint", std::string(endpoint)}, {"error", code}});
  obs::log(error.code == ErrorCode::server_error ? obs::Level::error : obs::Level::info,
           "oauth error",
           {{"request_id", std::string(request_id)},
            {"endpoint", std::string(endpoint)},
            {"error", code},
            {"description", error.description},
            {"internal", error.internal}});
  done(to_response(error));
}

void count_token_issued(obs::Metrics& metrics, std::string_view grant_type) {
  metrics.increment("smart_auth_tokens_issued_total", "Access tokens issued by grant type.",
                    {{"grant_type", std::string(grant_type)}});
}

}  // namespace sa::oauth
