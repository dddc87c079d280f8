#include "authorize/cookies.hpp"

#include <stdexcept>
#include <string>

#include "crypto/hash.hpp"
#include "util/strings.hpp"

namespace sa::authorize {
namespace {

// RFC 6265 §5.4 joins cookies with "; "; user agents and proxies vary the spaces (and HTTP/2
// may split them over several Cookie fields), so whitespace is SP or HTAB anywhere around.
std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 6265 §4.1.1 cookie-octet: US-ASCII without CTLs, whitespace, DQUOTE, comma, semicolon
// and backslash.
bool is_cookie_octet(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x2B) || (u >= 0x2D && u <= 0x3A) ||
         (u >= 0x3C && u <= 0x5B) || (u >= 0x5D && u <= 0x7E);
}

// RFC 9110 §5.6.2 token, which RFC 6265 §4.1.1 uses for cookie-name.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

std::string host_cookie(std::string_view name, std::string_view value,
                        std::optional<std::int64_t> max_age_s) {
  // Our own names and values (random tokens); anything else would split the header or the
  // cookie, so it is a bug in the caller.
  if (!is_token(name)) throw std::invalid_argument("cookie name is not an RFC 9110 token");
  for (char c : value) {
    if (!is_cookie_octet(c)) throw std::invalid_argument("cookie value has a non-cookie-octet");
  }
  std::string out(name);
  out += '=';
  out += value;
  // RFC 6265bis §4.1.3.2: a __Host- cookie is Secure, has Path=/ and no Domain.
  out += "; Path=/; Secure; HttpOnly; SameSite=Lax";
  if (max_age_s) out += "; Max-Age=" + std::to_string(*max_age_s < 0 ? 0 : *max_age_s);
  return out;
}

}  // namespace

std::optional<std::string> read_cookie(const http::Request& request, std::string_view name) {
  for (const http::Header& header : request.headers) {
    if (!iequals(header.name, "Cookie")) continue;
    for (std::string_view pair : split(header.value, ';')) {
      pair = trim_ows(pair);
      const std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;  // no name=value: not a cookie we set
      // RFC 6265 §5.4 step: names compare octet by octet (case-sensitive).
      if (trim_ows(pair.substr(0, eq)) != name) continue;
      std::string_view value = trim_ows(pair.substr(eq + 1));
      // RFC 6265 §4.1.1: cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return std::string(value);
    }
  }
  return std::nullopt;
}

std::string set_cookie(std::string_view name, std::string_view value,
                       std::optional<std::int64_t> max_age_s) {
  return host_cookie(name, value, max_age_s);
}

std::string clear_cookie(std::string_view name) { return host_cookie(name, "", 0); }

bool secrets_equal(std::string_view a, std::string_view b) {
  // CRYPTO_memcmp underneath; a length mismatch answers false before any content is compared.
  return crypto::constant_time_equals(a, b);
}

}  // namespace sa::authorize
