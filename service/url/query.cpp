#include "url/query.hpp"

#include <algorithm>

#include <boost/url.hpp>
#include <set>

#include "util/strings.hpp"

namespace sa::url {
namespace {

namespace urls = boost::urls;

// One name or value of a form: %XX is a byte, '+' is a space. nullopt on a bad escape.
std::optional<std::string> form_decode(std::string_view text) {
  auto checked = urls::make_pct_string_view(text);
  if (!checked) return std::nullopt;
  urls::encoding_opts options;
  options.space_as_plus = true;
  return checked->decode(options);
}

std::string encode_component(std::string_view text) {
  // Only the unreserved characters stay literal: '+', '&', '=', '#' and space are all escaped,
  // so a form decoder and an RFC 3986 decoder read the same value.
  return urls::encode(text, urls::unreserved_chars);
}

}  // namespace

std::string describe(const QueryError& error) {
  switch (error.failure) {
    case QueryFailure::too_long:
      return "the parameters are too long";
    case QueryFailure::too_many_params:
      return "too many parameters";
    case QueryFailure::bad_percent_encoding:
      return "malformed percent-encoding";
    case QueryFailure::repeated_param:
      return "parameter " + error.name + " is repeated";
  }
  return "malformed parameters";
}

Expected<std::vector<QueryParam>, QueryError> parse_query(std::string_view encoded,
                                                          QueryLimits limits) {
  if (encoded.size() > limits.max_length) return unexpected(QueryError{QueryFailure::too_long, {}});
  std::vector<QueryParam> params;
  std::set<std::string, std::less<>> seen;
  for (std::string_view pair : split(encoded, '&')) {
    if (pair.empty()) continue;  // "a=1&&b=2": WHATWG URL §5.1 skips empty sequences
    if (params.size() == limits.max_params) {
      return unexpected(QueryError{QueryFailure::too_many_params, {}});
    }
    const std::size_t eq = pair.find('=');
    auto name = form_decode(pair.substr(0, eq));
    auto value =
        form_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value) return unexpected(QueryError{QueryFailure::bad_percent_encoding, {}});
    // RFC 6749 §3.1: request and response parameters MUST NOT be included more than once.
    const bool repeatable = std::find(limits.repeatable.begin(), limits.repeatable.end(),
                                      std::string_view(*name)) != limits.repeatable.end();
    if (!seen.insert(*name).second && !repeatable) {
      return unexpected(QueryError{QueryFailure::repeated_param, std::move(*name)});
    }
    params.push_back({std::move(*name), std::move(*value)});
  }
  return params;
}

std::optional<std::string> encode_path_segment(std::string_view id) {
  if (id.empty() || id == "." || id == "..") return std::nullopt;
  return encode_component(id);
}

std::optional<std::string> add_query_params(std::string_view url,
                                            std::span<const QueryParam> params) {
  auto parsed = urls::parse_uri(url);
  if (!parsed) return std::nullopt;
  if (params.empty()) return std::string(url);
  std::string query(parsed->encoded_query());  // RFC 6749 §3.1.2: MUST retain the query
  for (const QueryParam& param : params) {
    if (!query.empty() && query.back() != '&') query += '&';
    query += encode_component(param.name);
    query += '=';
    query += encode_component(param.value);
  }
  urls::url out(*parsed);
  out.set_encoded_query(query);
  return std::string(out.buffer());
}

}  // namespace sa::url
