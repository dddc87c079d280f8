// The one OAuth error model: a closed set of codes (RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 7662,
// RFC 7009, RFC 6750) and a value carrying what the client may see (`description`) apart from
// what only the log may see (`internal`). to_response() is the single place that turns an error
// into status, JSON body and headers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace sa::oauth {

enum class ErrorCode {
  invalid_request,
  invalid_client,
  invalid_grant,
  unauthorized_client,
  unsupported_grant_type,
  invalid_scope,
  access_denied,
  unsupported_response_type,
  server_error,
  temporarily_unavailable,
  invalid_token,              // RFC 6750 §3.1 (bearer-protected endpoints, RFC 7592)
  insufficient_scope,         // RFC 6750 §3.1
  invalid_redirect_uri,       // RFC 7591 §3.2.2
  invalid_client_metadata,    // RFC 7591 §3.2.2
  unsupported_token_type,     // RFC 7009 §2.2.1
  login_required,             // OIDC Core §3.1.2.6 (authorize with prompt=none)
  consent_required,           // OIDC Core §3.1.2.6
};

std::string_view to_string(ErrorCode code);

// How the client presented itself, which decides the 401 challenge (RFC 6749 §5.2: invalid_client
// after HTTP authentication MUST be 401 with WWW-Authenticate matching the scheme used).
enum class Challenge { none, basic, bearer };

struct Error {
  ErrorCode code;
  std::string description;  // may reach the client: names the bad field, never a secret
  std::string internal;     // for the log only
  Challenge challenge = Challenge::none;
  // Set when a rate limit refused the request: 429 with this Retry-After (RFC 6585 §4).
  std::uint32_t retry_after_s = 0;
};

Error make_error(ErrorCode code, std::string description, std::string internal = {});
// RFC 6749 has no code for "too many requests": temporarily_unavailable, answered 429 with
// Retry-After (RFC 6585 §4).
Error rate_limited_error(std::uint32_t retry_after_s);

// Status, JSON body {"error","error_description"} (the shape of the router's own errors, via
// http::error_response), WWW-Authenticate when the challenge asks for it, Retry-After when a
// rate limit refused it. Endpoints answer through reply_error (reply.hpp), not this directly;
// the router adds Cache-Control: no-store and Pragma: no-cache.
http::Response to_response(const Error& error);
int status_of(const Error& error);

}  // namespace sa::oauth
