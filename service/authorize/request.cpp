#include "authorize/request.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "url/rules.hpp"
#include "util/strings.hpp"

namespace sa::authorize {
namespace {

using oauth::ErrorCode;

// SMART App Launch 2.2 asks for at least 122 bits in state; these bounds leave room for an app's
// own encoding while keeping every stored and echoed value small.
constexpr std::size_t kMaxStateBytes = 2048;
constexpr std::size_t kMaxNonceBytes = 512;
constexpr std::size_t kMaxLaunchBytes = 512;
// RFC 7636 §4.2: code-challenge = 43*128unreserved.
constexpr std::size_t kMinChallenge = 43;
constexpr std::size_t kMaxChallenge = 128;
// Longer than any useful max_age (a 64-bit count of seconds has 19 digits).
constexpr std::size_t kMaxMaxAgeDigits = 18;
// What the audit log keeps of a value the app sent: enough to recognise it.
constexpr std::size_t kLoggedValueBytes = 120;

PageError page(int status, std::string message, std::string internal) {
  return PageError{status, std::move(message), std::move(internal)};
}

RedirectError redirect_error(ErrorCode code, std::string description, std::string internal = {}) {
  return RedirectError{code, std::move(description), std::move(internal)};
}

std::string logged(std::string_view value) {
  if (value.size() <= kLoggedValueBytes) return std::string(value);
  return std::string(value.substr(0, kLoggedValueBytes)) + "...(" + std::to_string(value.size()) +
         " bytes)";
}

// RFC 3986 §2.3 unreserved characters, the alphabet of a PKCE challenge.
bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool has_form_content_type(const http::Request& request) {
  auto type = request.header("Content-Type");
  if (!type) return false;
  // RFC 9110 §8.3.1: parameters such as charset may follow the media type.
  return iequals(trim(type->substr(0, type->find(';'))), "application/x-www-form-urlencoded");
}

std::optional<RedirectError> check_bounded(const Params& params, std::string_view name,
                                           std::size_t max_bytes) {
  auto value = param(params, name);
  if (!value || value->size() <= max_bytes) return std::nullopt;
  return redirect_error(
      ErrorCode::invalid_request,
      std::string(name) + " is too long (at most " + std::to_string(max_bytes) + " bytes)",
      std::string(name) + " of " + std::to_string(value->size()) + " bytes");
}

// RFC 7636 §4.3, §4.4.1 and SMART App Launch 2.2 (PKCE required, S256 only).
std::optional<RedirectError> check_pkce(const Params& params) {
  auto method = param(params, "code_challenge_method");
  // RFC 7636 §4.3: a missing method means "plain", which SMART does not allow (PKCE-2).
  if (!method) {
    return redirect_error(ErrorCode::invalid_request,
                          "code_challenge_method is required and must be S256");
  }
  if (*method != "S256") {
    return redirect_error(ErrorCode::invalid_request, "code_challenge_method must be S256",
                          "code_challenge_method=" + logged(*method));
  }
  auto challenge = param(params, "code_challenge");
  if (!challenge) return redirect_error(ErrorCode::invalid_request, "code_challenge is required");
  // RFC 7636 §4.2: code-challenge = 43*128unreserved.
  if (challenge->size() < kMinChallenge || challenge->size() > kMaxChallenge ||
      !std::all_of(challenge->begin(), challenge->end(), is_unreserved)) {
    return redirect_error(ErrorCode::invalid_request,
                          "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
                          "code_challenge of " + std::to_string(challenge->size()) + " bytes");
  }
  return std::nullopt;
}

// OIDC Core §3.1.2.1: prompt is a space-delimited list of none, login, consent, select_account;
// "none" with any other value is an error.
std::optional<RedirectError> read_prompt(const Params& params, AuthorizationRequest& out) {
  auto prompt = param(params, "prompt");
  if (!prompt) return std::nullopt;
  bool other_than_none = false;
  for (std::string_view value : split(*prompt, ' ')) {
    if (value.empty()) continue;
    if (value == "none") {
      out.prompt_none = true;
    } else if (value == "login") {
      out.prompt_login = other_than_none = true;
    } else if (value == "consent") {
      out.prompt_consent = other_than_none = true;
    } else if (value == "select_account") {
      out.prompt_select_account = other_than_none = true;
    } else {
      return redirect_error(ErrorCode::invalid_request,
                            "prompt may only be none, login, consent or select_account",
                            "prompt=" + logged(*prompt));
    }
  }
  if (out.prompt_none && other_than_none) {
    return redirect_error(ErrorCode::invalid_request,
                          "prompt=none cannot be combined with other prompt values");
  }
  return std::nullopt;
}

// OIDC Core §3.1.2.1: max_age is a non-negative number of seconds.
std::optional<RedirectError> read_max_age(const Params& params, AuthorizationRequest& out) {
  auto max_age = param(params, "max_age");
  if (!max_age) return std::nullopt;
  std::int64_t seconds = 0;
  const bool digits =
      !max_age->empty() && max_age->size() <= kMaxMaxAgeDigits &&
      std::all_of(max_age->begin(), max_age->end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::from_chars(max_age->data(), max_age->data() + max_age->size(), seconds).ec !=
                     std::errc()) {
    return redirect_error(ErrorCode::invalid_request,
                          "max_age must be a non-negative whole number of seconds",
                          "max_age=" + logged(*max_age));
  }
  out.max_age = seconds;
  return std::nullopt;
}

}  // namespace

Expected<Params, PageError> read_params(const http::Request& request) {
  std::string_view encoded;
  int too_long_status = 414;
  switch (request.method) {
    case http::Method::GET:
      encoded = request.query;
      break;
    case http::Method::POST:
      // OIDC Core §3.1.2.1: POST uses form serialization; the query, if any, is not read.
      if (!has_form_content_type(request)) {
        return unexpected(
            page(400, "The app sent the sign-in request in a form this server cannot read.",
                 "authorize POST without Content-Type application/x-www-form-urlencoded"));
      }
      encoded = request.body;
      too_long_status = 413;  // RFC 9110 §15.5.14: a body, not a URI, is too large
      break;
    default:
      return unexpected(
          page(405, "The sign-in request must be a GET or a form POST.",
               "authorize with method " + std::string(http::method_name(request.method))));
  }
  const url::QueryLimits limits{.max_params = kMaxParams, .max_length = kMaxQueryBytes};
  auto parsed = url::parse_query(encoded, limits);
  if (!parsed) {
    const url::QueryError& error = parsed.error();
    switch (error.failure) {
      case url::QueryFailure::too_long:
        return unexpected(page(too_long_status, "The app's sign-in request is too long.",
                               "authorize parameters of " + std::to_string(encoded.size()) +
                                   " bytes (at most " + std::to_string(kMaxQueryBytes) + ")"));
      case url::QueryFailure::too_many_params:
        return unexpected(
            page(400, "The app's sign-in request has too many parameters.",
                 "authorize request with more than " + std::to_string(kMaxParams) + " parameters"));
      case url::QueryFailure::bad_percent_encoding:
        return unexpected(page(400, "The app's sign-in request is malformed.",
                               "authorize parameters: " + url::describe(error)));
      case url::QueryFailure::repeated_param:
        // RFC 6749 §3.1: request parameters MUST NOT be included more than once.
        return unexpected(
            page(400, "The app's sign-in request repeats the parameter " + logged(error.name) + ".",
                 "authorize parameters: " + url::describe(error)));
    }
  }
  Params params = std::move(*parsed);
  // RFC 6749 §3.1: parameters sent without a value MUST be treated as if omitted.
  std::erase_if(params, [](const url::QueryParam& p) { return p.value.empty(); });
  return params;
}

std::optional<std::string_view> param(const Params& params, std::string_view name) {
  for (const url::QueryParam& p : params) {
    if (p.name == name) return std::string_view(p.value);
  }
  return std::nullopt;
}

Expected<std::string, PageError> resolve_redirect_uri(const Params& params,
                                                      const clients::ClientRecord& client) {
  std::string chosen;
  if (auto sent = param(params, "redirect_uri")) {
    // RFC 6749 §3.1.2.3, RFC 9700 §4.1.3: simple string comparison, no normalisation (case,
    // trailing slash, default port, fragment and prefix all count as different).
    auto it = std::find(client.redirect_uris.begin(), client.redirect_uris.end(), *sent);
    if (it == client.redirect_uris.end()) {
      return unexpected(page(
          400, "The app sent a redirect_uri it has not registered.",
          "redirect_uri " + logged(*sent) + " is not registered for client " + client.client_id));
    }
    chosen = *it;
  } else if (client.redirect_uris.size() == 1) {
    // RFC 6749 §3.1.2.3: may be omitted when exactly one is registered.
    chosen = client.redirect_uris.front();
  } else {
    return unexpected(page(400, "The app did not say where to return to (redirect_uri).",
                           "redirect_uri omitted; client " + client.client_id + " has " +
                               std::to_string(client.redirect_uris.size()) + " registered"));
  }
  // The registered value passed these rules when it was registered; checked again so that no
  // redirect ever leaves for a URI the one rule set (url/rules.hpp) would refuse (for example
  // one with a fragment, RFC 6749 §3.1.2).
  if (auto problem = url::check_client_url(chosen, url::ClientUrlUse::redirect_uri)) {
    return unexpected(page(400, "This app's registration is broken; the app cannot be sent back.",
                           "registered redirect_uri " + logged(chosen) + " of client " +
                               client.client_id + " " + *problem));
  }
  return chosen;
}

Expected<AuthorizationRequest, RedirectError> validate_request(const Params& params,
                                                               std::string redirect_uri,
                                                               const clients::ClientRecord& client,
                                                               const RequestSettings& settings) {
  AuthorizationRequest out;
  out.client_id = client.client_id;
  out.redirect_uri = std::move(redirect_uri);
  out.redirect_uri_sent = param(params, "redirect_uri").has_value();

  // RFC 6749 §4.1.1, §4.1.2.1.
  auto response_type = param(params, "response_type");
  if (!response_type) {
    return unexpected(redirect_error(ErrorCode::invalid_request, "response_type is required"));
  }
  if (*response_type != "code") {
    // Only the code flow: never a token in a fragment (RFC 9700 §2.1.2).
    return unexpected(redirect_error(ErrorCode::unsupported_response_type,
                                     "response_type must be code",
                                     "response_type=" + logged(*response_type)));
  }
  const auto& grants = client.grant_types;
  if (std::find(grants.begin(), grants.end(), "authorization_code") == grants.end()) {
    return unexpected(redirect_error(ErrorCode::unauthorized_client,
                                     "this client is not registered for the authorization_code "
                                     "grant"));
  }
  // SMART App Launch 2.2, App Launch (request table): scope is required.
  auto scope = param(params, "scope");
  if (!scope) return unexpected(redirect_error(ErrorCode::invalid_scope, "scope is required"));
  out.scope = std::string(*scope);

  // SMART App Launch 2.2, App Launch (request table): state is required; it is the app's CSRF
  // defence and how it finds its session again.
  auto state = param(params, "state");
  if (!state) return unexpected(redirect_error(ErrorCode::invalid_request, "state is required"));
  if (auto error = check_bounded(params, "state", kMaxStateBytes)) return unexpected(*error);
  out.state = std::string(*state);

  // SMART App Launch 2.2, App Launch: aud is required and names the FHIR server the token is for;
  // `resource` (RFC 8707) is accepted in its place when aud is absent.
  auto aud = param(params, "aud");
  if (!aud) aud = param(params, "resource");
  if (!aud) return unexpected(redirect_error(ErrorCode::invalid_request, "aud is required"));
  const auto& extra = settings.accepted_fhir_base_urls;
  if (*aud != settings.fhir_base_url &&
      std::find(extra.begin(), extra.end(), *aud) == extra.end()) {
    // SMART App Launch 2.2: the server MUST NOT issue a code for an aud it does not serve.
    return unexpected(redirect_error(ErrorCode::invalid_request,
                                     "aud is not a FHIR server this authorization server protects",
                                     "aud=" + logged(*aud)));
  }
  out.aud = std::string(*aud);

  if (auto error = check_pkce(params)) return unexpected(*error);
  out.code_challenge = std::string(*param(params, "code_challenge"));

  if (auto error = read_prompt(params, out)) return unexpected(*error);
  if (auto error = read_max_age(params, out)) return unexpected(*error);

  if (auto error = check_bounded(params, "nonce", kMaxNonceBytes)) return unexpected(*error);
  if (auto nonce = param(params, "nonce")) out.nonce = std::string(*nonce);
  if (auto error = check_bounded(params, "launch", kMaxLaunchBytes)) return unexpected(*error);
  if (auto launch = param(params, "launch")) out.launch = std::string(*launch);
  return out;
}

}  // namespace sa::authorize
