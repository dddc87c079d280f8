// Checks for the URLs a client registers (redirect_uris, jwks_uri, launch_uri, logo_uri...):
// absolute http(s) URL, no user info, https unless the host is a loopback name. Returns the
// problem as a phrase to follow the member name ("must not have a fragment"). No DNS, no fetch.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sa::clients {

struct UrlRules {
  bool allow_fragment = true;  // redirect URIs: false (RFC 6749 §3.1.2)
};

// 127.0.0.1, [::1] and localhost (RFC 8252 §7.3, §8.3).
bool is_loopback_host(std::string_view host);

std::optional<std::string> check_client_url(std::string_view url, UrlRules rules = {});

}  // namespace sa::clients
