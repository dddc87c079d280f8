// Small string helpers shared by parsers: ASCII case-insensitive compare, trimming, splitting.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sa {

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s);
// Splits on every occurrence of sep; empty pieces are kept.
std::vector<std::string_view> split(std::string_view s, char sep);
// Whether the space-separated `list` (a scope string) holds `item` exactly, without allocating.
bool has_item(std::string_view list, std::string_view item);
// Percent-decodes application/x-www-form-urlencoded text ('+' is a space). False on a bad escape
// (out is then unspecified).
bool form_decode(std::string_view in, std::string& out);
std::string url_encode(std::string_view in);

}  // namespace sa
