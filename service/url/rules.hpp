// The one set of rules for the URLs smart-auth accepts: URLs a client registers (from the YAML
// file or RFC 7591 registration), base URLs in the config (the issuer and the FHIR base) and
// CORS origins. Parsing is RFC 3986 (Boost.URL, kept inside url/); no DNS, no fetch. Each check
// returns nullopt when the URL is acceptable, else a phrase to follow the member or key name
// ("must not have a fragment").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sa::url {

// What a client URL is for; the rules differ only in whether a fragment is allowed.
enum class ClientUrlUse {
  redirect_uri,  // the authorization server sends the browser there with code/state
  jwks_uri,      // the server fetches the client's keys from it
  launch_uri,    // the EHR opens it with iss and launch added to its query (SMART App Launch)
  link,          // only shown to people: client_uri, logo_uri, tos_uri, policy_uri
};

// Absolute http(s) URL, no user info, a host name or IP literal and a valid port, https unless
// the host is loopback (localhost, 127.0.0.1, [::1]).
std::optional<std::string> check_client_url(std::string_view text, ClientUrlUse use);

// An issuer-style base URL (RFC 8414 §2): a client URL that also has no query, no fragment and
// no trailing slash, so endpoint paths can be appended to it.
std::optional<std::string> check_base_url(std::string_view text);

// A browser origin (RFC 6454 §6.2): http(s)://host[:port] and nothing after it.
std::optional<std::string> check_origin(std::string_view text);

}  // namespace sa::url
