#include "crypto/json_read.hpp"

#include <set>

namespace sa::crypto::detail {

bool has_duplicate_members(const rapidjson::Value& object) {
  std::set<std::string_view> seen;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (!seen.insert(name).second) return true;
  }
  return false;
}

bool parse_object(std::string_view text, rapidjson::Document& doc) {
  doc.Parse<kStrictParse>(text.data(), text.size());
  return !doc.HasParseError() && doc.IsObject() && !has_duplicate_members(doc);
}

const rapidjson::Value* find_member(const rapidjson::Value& object, std::string_view name) {
  if (!object.IsObject()) return nullptr;
  rapidjson::Value key(rapidjson::StringRef(name.data(), name.size()));
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

StringMember string_member(const rapidjson::Value& object, std::string_view name) {
  const rapidjson::Value* v = find_member(object, name);
  if (v == nullptr) return {Lookup::Missing, {}};
  if (!v->IsString()) return {Lookup::WrongType, {}};
  return {Lookup::Found, std::string_view(v->GetString(), v->GetStringLength())};
}

}  // namespace sa::crypto::detail
