#include "oauth/form.hpp"

#include "util/strings.hpp"

namespace sa::oauth {

Expected<Form, Error> Form::parse(std::string_view encoded) {
  Form form;
  if (encoded.empty()) return form;
  for (std::string_view pair : split(encoded, '&')) {
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string name, value;
    if (!form_decode(pair.substr(0, eq), name) ||
        (eq != std::string_view::npos && !form_decode(pair.substr(eq + 1), value))) {
      return unexpected(make_error(ErrorCode::invalid_request, "malformed form encoding"));
    }
    if (form.values_.count(name)) {
      // RFC 6749 §3.1/§3.2: request and response parameters MUST NOT be included more than once.
      return unexpected(make_error(ErrorCode::invalid_request, "parameter " + name + " is repeated"));
    }
    form.values_.emplace(std::move(name), std::move(value));
  }
  return form;
}

Expected<Form, Error> Form::from_request_body(const http::Request& request) {
  auto type = request.header("Content-Type");
  std::string_view media = type ? trim(type->substr(0, type->find(';'))) : std::string_view{};
  if (!iequals(media, "application/x-www-form-urlencoded")) {
    return unexpected(make_error(ErrorCode::invalid_request,
                                 "Content-Type must be application/x-www-form-urlencoded"));
  }
  return parse(request.body);
}

std::optional<std::string_view> Form::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return std::string_view(it->second);
}

}  // namespace sa::oauth
