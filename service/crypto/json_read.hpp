// Internal to crypto/: strict RapidJSON parsing for untrusted JOSE input, and typed member
// lookups that tell "missing" from "wrong type". Not part of the public API (it exposes
// RapidJSON, which only crypto's .cpp files link).
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string_view>

namespace sa::crypto::detail {

// Iterative parsing keeps stack use flat on hostile nesting; invalid UTF-8 is an error.
inline constexpr unsigned kStrictParse =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

// Parses a JSON object; false on bad JSON, a non-object, or duplicate member
// names at the top level (RFC 7515 §5.2 step 4 allows rejecting them; we always do).
bool parse_object(std::string_view text, rapidjson::Document& doc);
bool has_duplicate_members(const rapidjson::Value& object);

enum class Lookup { Found, Missing, WrongType };

struct StringMember {
  Lookup lookup;
  std::string_view value;  // valid while the document lives; empty unless Found
};

const rapidjson::Value* find_member(const rapidjson::Value& object, std::string_view name);
StringMember string_member(const rapidjson::Value& object, std::string_view name);

}  // namespace sa::crypto::detail
