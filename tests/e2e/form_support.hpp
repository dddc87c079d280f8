// Form encoding as a client builds a request body by hand (application/x-www-form-urlencoded,
// RFC 6749 Appendix B): what the backend-services and read-endpoint tests both send.
#pragma once

#include <cctype>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <utility>

namespace sa::test {

inline std::string form_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

inline std::string form_of(std::initializer_list<std::pair<std::string, std::string>> params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += form_encode(k) + '=' + form_encode(v);
  }
  return out;
}

}  // namespace sa::test
