// application/x-www-form-urlencoded request parameters as OAuth reads them (RFC 6749 §3.1, §3.2):
// a parameter sent twice is an error, an empty value counts as absent. Also the Content-Type
// check the token, introspection and revocation endpoints share.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "oauth_core/errors.hpp"
#include "util/expected.hpp"

namespace sa::oauth {

class Form {
 public:
  // Parses a body or a query string. Error names the bad or repeated parameter.
  static Expected<Form, Error> parse(std::string_view encoded);
  // Requires Content-Type application/x-www-form-urlencoded (parameters allowed), then parses.
  static Expected<Form, Error> from_request_body(const http::Request& request);

  // nullopt when absent or empty (RFC 6749 §3.1: empty values are treated as omitted).
  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  const std::map<std::string, std::string, std::less<>>& all() const { return values_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace sa::oauth
