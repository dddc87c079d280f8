// Reading and checking an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core
// §3.1.2.1, SMART App Launch 2.2 "App Launch"), in the order RFC 6749 §4.1.2.1 demands: until
// the client and its redirect_uri are known good, every problem is a PageError (an HTML page,
// never a redirect); after that, a RedirectError goes back to the app. Pure: the caller looks up
// the client and passes it in. What scope is granted is scope_grant.hpp's business.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clients/client_store.hpp"
#include "http/message.hpp"
#include "oauth_core/errors.hpp"
#include "url/query.hpp"
#include "util/expected.hpp"

namespace sa::authorize {

inline constexpr std::size_t kMaxQueryBytes = 8 * 1024;  // larger: 414 page
inline constexpr std::size_t kMaxParams = 32;

// Shown to the person in the browser; never sent to the app.
struct PageError {
  int status = 400;      // 400; 414 over-long query, 413 over-long form, 405 other method
  std::string message;   // plain text for the person ("The app sent an unknown client_id.")
  std::string internal;  // for the audit log
};

// Sent back to the app on its redirect_uri (with state and iss, see redirect.hpp).
struct RedirectError {
  oauth::ErrorCode code = oauth::ErrorCode::invalid_request;
  std::string description;  // error_description: names the bad parameter, never a secret
  std::string internal;     // for the audit log
};

using Params = std::vector<url::QueryParam>;

// The parameters of GET (query) or POST (application/x-www-form-urlencoded body, parameters such
// as charset allowed; another Content-Type is a 400 page; the query of a POST is not read); any
// other method is a 405 page. Bounded by kMaxQueryBytes (414 for a query, 413 for a body) and
// kMaxParams; a repeated parameter is a page error (RFC 6749 §3.1), as is malformed
// percent-encoding. Parameters with an empty value are left out (RFC 6749 §3.1: treated as
// omitted); unknown ones are kept for the caller to ignore.
Expected<Params, PageError> read_params(const http::Request& request);

// The value of `name`, if present.
std::optional<std::string_view> param(const Params& params, std::string_view name);

// Where errors may be redirected: the request's redirect_uri when it is exactly (string
// equality, RFC 6749 §3.1.2.3, RFC 9700 §4.1.3) one of the client's registered ones, or the only
// registered one when the request omits it. Anything else is a PageError, as is a registered URI
// that url::check_client_url would no longer accept (so no redirect carries a fragment).
Expected<std::string, PageError> resolve_redirect_uri(const Params& params,
                                                      const clients::ClientRecord& client);

struct RequestSettings {
  std::string fhir_base_url;                         // smart.fhir_base_url: the expected `aud`
  std::vector<std::string> accepted_fhir_base_urls;  // more accepted `aud` values
};

struct AuthorizationRequest {
  std::string client_id;
  std::string redirect_uri;          // as resolved; the code is bound to it
  bool redirect_uri_sent = false;    // RFC 6749 §4.1.3: then the token request must repeat it
  std::optional<std::string> state;  // echoed on every redirect when sent
  std::string scope;                 // as sent (syntax checked by scope_grant.hpp)
  std::string aud;
  std::optional<std::string> launch;  // EHR launch id (opaque)
  std::string code_challenge;         // S256 only (RFC 7636 §4.3; SMART 2.2 requires PKCE)
  std::optional<std::string> nonce;   // OIDC Core §3.1.2.1
  bool prompt_none = false;
  bool prompt_login = false;
  bool prompt_consent = false;
  bool prompt_select_account = false;   // accepted; the endpoint decides what it means here
  std::optional<std::int64_t> max_age;  // seconds (OIDC Core §3.1.2.1)
};

// Everything after the redirect_uri, in order: response_type (missing: invalid_request; other
// than "code": unsupported_response_type), the client registered for authorization_code
// (unauthorized_client), scope present (invalid_scope), state present and at most 2048 bytes
// (invalid_request; SMART App Launch 2.2 lists it as required), aud (or `resource` when aud is
// absent) equal to an accepted FHIR base (invalid_request), code_challenge_method S256 and a
// challenge of 43-128 unreserved characters (invalid_request; "plain", a missing method and a
// missing challenge included), prompt values and combinations (invalid_request), max_age a
// non-negative integer (invalid_request), and bounds on nonce (512) and launch (512). Parameters
// it does not know are ignored.
Expected<AuthorizationRequest, RedirectError> validate_request(const Params& params,
                                                               std::string redirect_uri,
                                                               const clients::ClientRecord& client,
                                                               const RequestSettings& settings);

}  // namespace sa::authorize
