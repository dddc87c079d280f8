// Query strings both ways: parsing application/x-www-form-urlencoded text (a request's query or
// a form body) into ordered name/value pairs, and adding parameters to a registered URL's query
// for a redirect. It does not know which parameters OAuth needs; callers check that.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.hpp"

namespace sa::url {

struct QueryParam {
  std::string name;
  std::string value;
};

struct QueryLimits {
  std::size_t max_params = 0;  // name=value pairs, empty pieces between '&' not counted
  std::size_t max_length = 0;  // bytes of encoded text
  // Names allowed more than once (an HTML form's checkboxes); every other repeat is an error.
  std::span<const std::string_view> repeatable = {};
};

enum class QueryFailure {
  too_long,              // more than max_length bytes
  too_many_params,       // more than max_params pairs
  bad_percent_encoding,  // '%' not followed by two hex digits
  repeated_param,        // RFC 6749 §3.1: a parameter sent twice
};

struct QueryError {
  QueryFailure failure;
  std::string name;  // the decoded name of a repeated parameter; empty otherwise
};

// A short English description for logs and error_description: "parameter state is repeated".
std::string describe(const QueryError& error);

// application/x-www-form-urlencoded (WHATWG URL §5.1): pairs split on '&', name and value on the
// first '=', '+' is a space, %XX is a byte. Characters RFC 3986 would want encoded ('|', '[')
// are taken as they are, as browsers send them. A repeated name is an error (RFC 6749 §3.1).
Expected<std::vector<QueryParam>, QueryError> parse_query(std::string_view encoded,
                                                          QueryLimits limits);

// url with params appended to its query, after any query it already has (RFC 6749 §3.1.2:
// retain it) and before any fragment. Names and values are percent-encoded except the RFC 3986
// §2.3 unreserved characters, so they decode the same as a form or as plain RFC 3986 (space is
// %20, '+' is %2B). nullopt when url is not an absolute URI (it should have passed
// check_client_url first).
std::optional<std::string> add_query_params(std::string_view url,
                                            std::span<const QueryParam> params);

// One path segment (RFC 3986 §3.3) made from an id, for a URL like {base}/users/{id}: every
// byte but the §2.3 unreserved characters percent-encoded, so '/', '?', '#' and '%' in the id
// stay inside the segment. nullopt for "", "." and "..", which name no segment (§5.2.4 would
// remove a dot segment, and a server may decode %2E first).
std::optional<std::string> encode_path_segment(std::string_view id);

}  // namespace sa::url
