// Cookies for the authorize pages: reading one from a request's Cookie header (RFC 6265 §5.4)
// and writing `__Host-` cookies (RFC 6265bis §4.1.3.2: Secure, Path=/, no Domain), always
// HttpOnly and SameSite=Lax so they ride the app's top-level redirect back to us but no
// cross-site subrequest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace sa::authorize {

inline constexpr std::string_view kTransactionCookie = "__Host-smart-auth-txn";
inline constexpr std::string_view kSessionCookie = "__Host-smart-auth-session";

// The value of the first cookie named `name` in the request's Cookie header(s), if any.
std::optional<std::string> read_cookie(const http::Request& request, std::string_view name);

// A Set-Cookie value. max_age_s none = a session cookie (gone when the browser closes).
std::string set_cookie(std::string_view name, std::string_view value,
                       std::optional<std::int64_t> max_age_s);
// A Set-Cookie value that deletes the cookie.
std::string clear_cookie(std::string_view name);

// Constant-time equality for CSRF tokens and other secrets of equal expected length.
bool secrets_equal(std::string_view a, std::string_view b);

}  // namespace sa::authorize
