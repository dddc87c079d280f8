#include "url/rules.hpp"

#include <algorithm>
#include <array>
#include <boost/url.hpp>
#include <cstdint>

#include "util/expected.hpp"
#include "util/strings.hpp"

namespace sa::url {
namespace {

namespace urls = boost::urls;

constexpr std::string_view kNeedsHttps =
    "must use https:// (http:// is allowed only for localhost, 127.0.0.1 and [::1])";
constexpr std::string_view kNotUrl = "is not a valid URL (RFC 3986)";
constexpr std::string_view kFragment = "must not have a fragment";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// "https:" or "HTTP:" at the start: the text means to be a web URL even if it does not parse.
bool starts_with_http_scheme(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string scheme = to_lower(text.substr(0, colon));
  return scheme == "https" || scheme == "http";
}

// WHATWG URL's "ends in a number": browsers read "0x7f.1" or "127.000.000.001" as an IPv4
// address, where RFC 3986 sees a name. Such a host is refused rather than guessed at.
bool ends_in_a_number(std::string_view host) {
  if (host.ends_with('.')) host.remove_suffix(1);
  const std::size_t dot = host.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  if (last.size() > 1 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) return true;
  return std::all_of(last.begin(), last.end(), is_digit);
}

// A DNS-style name: letters, digits, '-', '.', '_'. No percent-encoding and no sub-delims: RFC
// 3986 §3.2.2 allows both in a reg-name, but browsers decode or reject them, so the host we check
// would not be the host the browser visits.
bool is_host_name(std::string_view host) {
  if (host.empty() || ends_in_a_number(host)) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_';
  });
}

bool is_loopback(const urls::url_view& url) { return is_loopback_host(url.encoded_host()); }

// RFC 3986 §5.2.4 removes "." and ".." segments, and browsers (WHATWG URL) also take "%2e" for a
// dot when they do. An encoded '/' ("%2e%2e%2f") does not end a segment, so it is not one.
bool has_dot_segment(std::string_view encoded_path) {
  for (std::string_view segment : split(encoded_path, '/')) {
    auto checked = urls::make_pct_string_view(segment);
    if (!checked) continue;  // parse_web_url has refused bad escapes already
    const std::string decoded = checked->decode();
    if (decoded == "." || decoded == "..") return true;
  }
  return false;
}

// The parameters the authorization response appends to the redirect URI: RFC 6749 §4.1.2 (code,
// state), §4.1.2.1 (error, error_description, error_uri) and RFC 9207 §2 (iss).
constexpr std::array<std::string_view, 6> kResponseParams = {
    "code", "state", "iss", "error", "error_description", "error_uri"};

// The first response parameter already in the query, compared decoded as a form decoder would
// (the app reads "%63ode" as "code"); names are case-sensitive.
std::optional<std::string> response_param_in_query(const urls::url_view& url) {
  urls::encoding_opts form;
  form.space_as_plus = true;
  for (const urls::param_pct_view param : url.encoded_params()) {
    const std::string name = param.key.decode(form);
    if (std::find(kResponseParams.begin(), kResponseParams.end(), name) != kResponseParams.end()) {
      return name;
    }
  }
  return std::nullopt;
}

// An absolute http(s) URL with a usable host and port and no user info; the scheme-specific
// https rule is left to the caller.
Expected<urls::url_view, std::string> parse_web_url(std::string_view text) {
  // RFC 3986 §2: a URI is printable ASCII; anything else must be percent-encoded.
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      return unexpected(std::string("must not contain spaces, control or non-ASCII characters"));
    }
  }
  auto parsed = urls::parse_uri(text);
  if (!parsed) {
    // Backslashes, '[' in a path, bad %-escapes: browsers "fix" these in different ways.
    if (starts_with_http_scheme(text)) return unexpected(std::string(kNotUrl));
    return unexpected(std::string("expected an absolute https:// URL"));
  }
  const urls::url_view url = *parsed;
  if (url.scheme_id() != urls::scheme::https && url.scheme_id() != urls::scheme::http) {
    return unexpected(std::string("expected an absolute https:// URL"));
  }
  // RFC 3986 §3.3: after an authority the path is empty or starts with '/'. Boost.URL 1.81 also
  // takes "https://a:12ab/cb" as port 12 and path "ab/cb" (boostorg/url#636).
  const std::string_view path = url.encoded_path();
  if (url.has_authority() && !path.empty() && path.front() != '/') {
    return unexpected(std::string(url.has_port() ? "has an invalid port" : kNotUrl));
  }
  // RFC 3986 §7.5, §7.6: user info carries passwords and makes a URL read as another host.
  if (url.has_userinfo()) return unexpected(std::string("must not contain user info"));
  if (!url.has_authority() || url.encoded_host().empty()) {
    return unexpected(std::string("expected an absolute URL with a host"));
  }
  const bool host_ok =
      url.host_type() == urls::host_type::ipv4 || url.host_type() == urls::host_type::ipv6 ||
      (url.host_type() == urls::host_type::name && is_host_name(url.encoded_host()));
  if (!host_ok) return unexpected(std::string("has an invalid host"));
  if (url.has_port()) {
    const std::string_view digits = url.port();  // RFC 3986 §3.2.3: digits only, maybe none
    std::uint32_t port = 0;
    for (char c : digits) {
      port = port * 10 + static_cast<std::uint32_t>(c - '0');
      if (port > 65535) return unexpected(std::string("has a port above 65535"));
    }
    if (digits.empty() || port == 0) return unexpected(std::string("has an invalid port"));
  }
  return url;
}

UrlParts parts_of(const urls::url_view& url) {
  UrlParts parts;
  parts.https = url.scheme_id() == urls::scheme::https;
  switch (url.host_type()) {
    case urls::host_type::ipv4:
      parts.host_kind = HostKind::ipv4;
      parts.host = url.host_ipv4_address().to_string();
      break;
    case urls::host_type::ipv6:
      parts.host_kind = HostKind::ipv6;
      parts.host = url.host_ipv6_address().to_string();
      break;
    case urls::host_type::name:
    case urls::host_type::none:
    case urls::host_type::ipvfuture:  // parse_web_url lets only names and IP literals through
      parts.host_kind = HostKind::name;
      parts.host = to_lower(url.encoded_host());  // RFC 3986 §3.2.2: case-insensitive
      break;
  }
  parts.port = url.has_port() ? url.port_number() : (parts.https ? 443 : 80);
  parts.target = url.encoded_path().empty() ? "/" : std::string(url.encoded_path());
  if (url.has_query()) parts.target += "?" + std::string(url.encoded_query());
  return parts;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  // RFC 8252 §8.3: "localhost" works like the loopback IP literals but is NOT RECOMMENDED; a
  // name under it ("a.localhost") or with a trailing dot is not taken on trust.
  if (iequals(host, "localhost")) return true;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  // RFC 8252 §7.3: the loopback IP literals are 127.0.0.1 and ::1. parse_ipv4_address takes only
  // dotted decimal without leading zeros, so "127.1" and "0x7f.0.0.1" are not literals here.
  if (auto v4 = urls::parse_ipv4_address(host)) return v4->to_uint() == 0x7F000001;
  if (auto v6 = urls::parse_ipv6_address(host)) return v6->is_loopback();
  return false;
}

Expected<UrlParts, std::string> split_client_url(std::string_view text, ClientUrlUse use) {
  auto url = parse_web_url(text);
  if (!url) return unexpected(url.error());
  // RFC 8252 §8.3 / RFC 6749 §3.1.2.1: plain http only to the loopback interface.
  if (url->scheme_id() == urls::scheme::http && !is_loopback(*url)) {
    return unexpected(std::string(kNeedsHttps));
  }
  switch (use) {
    case ClientUrlUse::redirect_uri:
      // RFC 6749 §3.1.2: MUST NOT include a fragment component.
      if (url->has_fragment()) return unexpected(std::string(kFragment));
      // RFC 6749 §3.1.2.3 compares redirect URIs as strings, but the browser visits the URL with
      // its dot segments removed: what it visits would not be what was registered.
      if (has_dot_segment(url->encoded_path())) {
        return unexpected(std::string(
            "must not contain \".\" or \"..\" path segments: browsers resolve them, so the URL "
            "visited would not be the one registered (RFC 3986 §5.2.4, RFC 6749 §3.1.2)"));
      }
      // RFC 6749 §4.1.2 and RFC 9207 §2: the response adds these; the app would get two of one.
      if (auto name = response_param_in_query(*url)) {
        return unexpected(
            "must not have a query parameter \"" + *name +
            "\": the authorization response adds its own (RFC 6749 §4.1.2, RFC 9207)");
      }
      break;
    case ClientUrlUse::jwks_uri:    // RFC 3986 §3.5: never sent to a server, so never fetched.
    case ClientUrlUse::launch_uri:  // Built on like a redirect URI (iss and launch join its query).
      if (url->has_fragment()) return unexpected(std::string(kFragment));
      break;
    case ClientUrlUse::link:
      break;
  }
  return parts_of(*url);
}

std::optional<std::string> check_absolute_uri(std::string_view text) {
  // Printable ASCII only: Boost.URL would refuse the rest anyway, this keeps the message plain.
  const bool printable =
      std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (text.empty() || !printable || !urls::parse_absolute_uri(text)) {
    return std::string("must be an absolute URI (RFC 3986 §4.3)");
  }
  return std::nullopt;
}

std::optional<std::string> check_client_url(std::string_view text, ClientUrlUse use) {
  auto parts = split_client_url(text, use);
  if (!parts) return parts.error();
  return std::nullopt;
}

Expected<UrlParts, std::string> split_base_url(std::string_view text) {
  auto url = parse_web_url(text);
  if (!url) return unexpected(url.error());
  // RFC 8414 §2: the issuer uses https and has no query or fragment.
  if (url->scheme_id() == urls::scheme::http && !is_loopback(*url)) {
    return unexpected(std::string(kNeedsHttps));
  }
  if (url->has_query() || url->has_fragment()) {
    return unexpected(std::string("must not have a query or fragment"));
  }
  // Endpoint URLs are the base plus a path, compared and advertised as strings; "/fhir/.." would
  // be visited as "/" and its token endpoint as "/token" (RFC 3986 §5.2.4).
  if (has_dot_segment(url->encoded_path())) {
    return unexpected(std::string(
        "must not contain \".\" or \"..\" path segments: endpoint URLs are built on it as a "
        "string (RFC 3986 §5.2.4)"));
  }
  // Endpoint paths are appended to it: "https://as/" would give "https://as//token".
  if (text.back() == '/') return unexpected(std::string("must not end with a slash"));
  return parts_of(*url);
}

std::optional<std::string> check_base_url(std::string_view text) {
  auto parts = split_base_url(text);
  if (!parts) return parts.error();
  return std::nullopt;
}
std::optional<std::string> check_origin(std::string_view text) {
  if (text == "*") return "must be an origin; leave the list empty to allow any origin";
  auto url = parse_web_url(text);
  if (!url) return "expected an origin like https://app.example.com";
  // RFC 6454 §6.2: an origin serializes as scheme "://" host [ ":" port ], nothing else.
  if (!url->encoded_path().empty() || url->has_query() || url->has_fragment()) {
    return "expected an origin (scheme://host[:port]) with no path or trailing slash";
  }
  return std::nullopt;
}

}  // namespace sa::url
