#include "clients/client_url.hpp"

#include "util/strings.hpp"

namespace sa::clients {

bool is_loopback_host(std::string_view host) {
  return host == "127.0.0.1" || host == "[::1]" || iequals(host, "localhost");
}

std::optional<std::string> check_client_url(std::string_view url, UrlRules rules) {
  // RFC 3986 §2: a URI is printable ASCII; anything else must be percent-encoded.
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return "must not contain spaces, control or non-ASCII characters";
  }
  const std::size_t sep = url.find("://");
  const std::string scheme = sep == std::string_view::npos ? "" : to_lower(url.substr(0, sep));
  if (scheme != "https" && scheme != "http") return "must be an absolute https:// URL";
  const std::string_view rest = url.substr(sep + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return "must not contain user info";
  std::string_view host = authority;
  if (host.starts_with('[')) {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos) return "has an invalid host";
    host = host.substr(0, close + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (host.empty()) return "must be an absolute URL with a host";
  const std::string_view after_host = authority.substr(host.size());
  if (!after_host.empty()) {
    const std::string_view port = after_host.substr(1);
    if (after_host.front() != ':' || port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string_view::npos) {
      return "has an invalid port";
    }
  }
  // RFC 8252 §8.3 / RFC 6749 §3.1.2.1: plain http only to the loopback interface.
  if (scheme == "http" && !is_loopback_host(host)) {
    return "must use https (http is allowed only for localhost, 127.0.0.1 and [::1])";
  }
  // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
  if (!rules.allow_fragment && url.find('#') != std::string_view::npos) {
    return "must not have a fragment";
  }
  return std::nullopt;
}

}  // namespace sa::clients
