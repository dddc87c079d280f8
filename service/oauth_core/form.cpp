#include "oauth_core/form.hpp"

#include <limits>

#include "url/query.hpp"
#include "util/strings.hpp"

namespace sa::oauth {

Expected<Form, Error> Form::parse(std::string_view encoded) {
  // No OAuth request has more than a few dozen parameters; the body itself is already bounded by
  // server.max_body_bytes in http/, so the length bound here is only the type's.
  constexpr url::QueryLimits kLimits{.max_params = 64,
                                     .max_length = std::numeric_limits<std::size_t>::max()};
  auto params = url::parse_query(encoded, kLimits);
  if (!params) {
    const url::QueryError& error = params.error();
    switch (error.failure) {
      case url::QueryFailure::repeated_param:  // RFC 6749 §3.1/§3.2: at most once each
      case url::QueryFailure::too_many_params:
      case url::QueryFailure::too_long:
        return unexpected(make_error(ErrorCode::invalid_request, url::describe(error)));
      case url::QueryFailure::bad_percent_encoding:
        return unexpected(make_error(ErrorCode::invalid_request, "malformed form encoding"));
    }
  }
  Form form;
  for (url::QueryParam& param : *params) {
    form.values_.emplace(std::move(param.name), std::move(param.value));
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
