// The one set of rules for the URLs smart-auth accepts: URLs a client registers (from the YAML
// file or RFC 7591 registration), base URLs in the config (the issuer and the FHIR base) and
// CORS origins. Parsing is RFC 3986 (Boost.URL, kept inside url/); no DNS, no fetch. Each check
// returns nullopt when the URL is acceptable, else a phrase to follow the member or key name
// ("must not have a fragment"); each split applies the same check and returns the parts an HTTP
// client needs, so whoever fetches a URL accepts exactly the URLs that were registered.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace sa::url {

// What a client URL is for: it decides whether a fragment is allowed and whether the redirect
// URI rules (no dot segments, no response parameter in the query) apply.
enum class ClientUrlUse {
  redirect_uri,  // the authorization server sends the browser there with code/state
  jwks_uri,      // the server fetches the client's keys from it
  launch_uri,    // the EHR opens it with iss and launch added to its query (SMART App Launch)
  link,          // only shown to people: client_uri, logo_uri, tos_uri, policy_uri
};

enum class HostKind { name, ipv4, ipv6 };

// A URL that passed check_client_url or check_base_url, split for an HTTP request.
struct UrlParts {
  bool https = true;
  HostKind host_kind = HostKind::name;
  std::string host;          // lower-case name, dotted IPv4, or IPv6 without brackets ("::1")
  std::uint16_t port = 443;  // as written, else the scheme's default (443 or 80)
  std::string target;        // path and query, still percent-encoded; "/" when the path is empty
};

// The one definition of a loopback host for the URL rules (RFC 8252 §7.3, §8.3): "localhost" in
// any case, 127.0.0.1 or ::1 (any spelling, brackets optional). A name, not an address: no DNS.
bool is_loopback_host(std::string_view host);

// Absolute http(s) URL, no user info, a host name or IP literal and a valid port, https unless
// is_loopback_host. A redirect_uri also has no dot segments and none of the query parameters the
// authorization response adds (code, state, iss, error, error_description, error_uri).
std::optional<std::string> check_client_url(std::string_view text, ClientUrlUse use);
Expected<UrlParts, std::string> split_client_url(std::string_view text, ClientUrlUse use);

// An issuer-style base URL (RFC 8414 §2): a client URL that also has no query, no fragment, no
// dot segments and no trailing slash, so endpoint paths can be appended to it.
std::optional<std::string> check_base_url(std::string_view text);
Expected<UrlParts, std::string> split_base_url(std::string_view text);

// An absolute URI of any scheme (RFC 3986 §4.3: scheme ":" hier-part, no fragment) in printable
// ASCII: FHIR canonical URLs and fhirContext roles ("http://...", "urn:oid:..."). Never fetched.
std::optional<std::string> check_absolute_uri(std::string_view text);

// A browser origin (RFC 6454 §6.2): http(s)://host[:port] and nothing after it.
std::optional<std::string> check_origin(std::string_view text);

}  // namespace sa::url
