#include "oauth_core/errors.hpp"

#include "http/router.hpp"

namespace sa::oauth {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_request: return "invalid_request";
    case ErrorCode::invalid_client: return "invalid_client";
    case ErrorCode::invalid_grant: return "invalid_grant";
    case ErrorCode::unauthorized_client: return "unauthorized_client";
    case ErrorCode::unsupported_grant_type: return "unsupported_grant_type";
    case ErrorCode::invalid_scope: return "invalid_scope";
    case ErrorCode::access_denied: return "access_denied";
    case ErrorCode::unsupported_response_type: return "unsupported_response_type";
    case ErrorCode::server_error: return "server_error";
    case ErrorCode::temporarily_unavailable: return "temporarily_unavailable";
    case ErrorCode::invalid_token: return "invalid_token";
    case ErrorCode::insufficient_scope: return "insufficient_scope";
    case ErrorCode::invalid_redirect_uri: return "invalid_redirect_uri";
    case ErrorCode::invalid_client_metadata: return "invalid_client_metadata";
    case ErrorCode::unsupported_token_type: return "unsupported_token_type";
    case ErrorCode::login_required: return "login_required";
    case ErrorCode::consent_required: return "consent_required";
  }
  return "server_error";
}

Error make_error(ErrorCode code, std::string description, std::string internal) {
  return Error{code, std::move(description), std::move(internal), Challenge::none, 0};
}

Error rate_limited_error(std::uint32_t retry_after_s) {
  Error error = make_error(ErrorCode::temporarily_unavailable, "too many requests, retry later",
                           "rate limited");
  error.retry_after_s = retry_after_s == 0 ? 1 : retry_after_s;
  return error;
}

int status_of(const Error& error) {
  switch (error.code) {
    case ErrorCode::invalid_client:
      // RFC 6749 §5.2: 401 when the client authenticated via the Authorization header; a
      // body-based failure stays 400 (SMART/Inferno expect 400 for bad client assertions).
      return error.challenge == Challenge::none ? 400 : 401;
    case ErrorCode::invalid_token: return 401;
    case ErrorCode::insufficient_scope: return 403;
    case ErrorCode::access_denied: return 403;
    case ErrorCode::server_error: return 500;
    // RFC 6585 §4: a rate-limit refusal is 429; otherwise the service is unavailable.
    case ErrorCode::temporarily_unavailable: return error.retry_after_s != 0 ? 429 : 503;
    case ErrorCode::invalid_request:
    case ErrorCode::invalid_grant:
    case ErrorCode::unauthorized_client:
    case ErrorCode::unsupported_grant_type:
    case ErrorCode::invalid_scope:
    case ErrorCode::unsupported_response_type:
    case ErrorCode::invalid_redirect_uri:
    case ErrorCode::invalid_client_metadata:
    case ErrorCode::unsupported_token_type:
    case ErrorCode::login_required:    // only ever redirected, never a response body
    case ErrorCode::consent_required:
      return 400;
  }
  return 500;
}

http::Response to_response(const Error& error) {
  http::Response res = http::error_response(status_of(error), to_string(error.code),
                                            error.description);
  // Cache-Control: no-store and Pragma: no-cache come from the router (http/router.cpp).
  switch (error.challenge) {
    case Challenge::none: break;
    case Challenge::basic:
      res.set("WWW-Authenticate", "Basic realm=\"smart-auth\"");
      break;
    case Challenge::bearer:
      // RFC 6750 §3: the error code rides in the challenge too.
      res.set("WWW-Authenticate",
              "Bearer realm=\"smart-auth\", error=\"" + std::string(to_string(error.code)) + "\"");
      break;
  }
  // RFC 6585 §4 / RFC 9110 §10.2.3: how long to wait, in seconds.
  if (error.retry_after_s != 0) res.set("Retry-After", std::to_string(error.retry_after_s));
  return res;
}

}  // namespace sa::oauth
