// The two answers the authorization endpoint sends back to an app's redirect_uri: a code, or an
// error. Both carry `state` whenever the app sent one (RFC 6749 §4.1.2, §4.1.2.1) and `iss`
// (RFC 9207 §2), added to the registered URI's query with url::add_query_params.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "authorize/request.hpp"

namespace sa::authorize {

std::string code_redirect(std::string_view redirect_uri, std::string_view code,
                          const std::optional<std::string>& state, std::string_view issuer);

std::string error_redirect(std::string_view redirect_uri, const RedirectError& error,
                           const std::optional<std::string>& state, std::string_view issuer);

}  // namespace sa::authorize
