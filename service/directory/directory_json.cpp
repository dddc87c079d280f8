#include "directory/directory_json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <set>

namespace sa::directory::json {
namespace {

// Iterative parsing keeps stack use flat on hostile nesting; invalid UTF-8 is an error.
constexpr unsigned kStrictParse =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

using Error = std::string;

template <class T>
Expected<T, Error> fail(std::string reason) {
  return unexpected(std::move(reason));
}

bool has_duplicate_members(const rapidjson::Value& object) {
  std::set<std::string_view> seen;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    if (!seen.insert({it->name.GetString(), it->name.GetStringLength()}).second) return true;
  }
  return false;
}

// An object we read members from: duplicates would let two readers of the same answer disagree.
std::optional<Error> check_object(const rapidjson::Value& value, const std::string& where) {
  if (!value.IsObject()) return where + " is not an object";
  if (has_duplicate_members(value)) return where + " has a duplicate member";
  return std::nullopt;
}

enum class Lookup { found, missing, wrong_type };

struct Text {
  Lookup lookup = Lookup::missing;
  std::string value;
};

const rapidjson::Value* member(const rapidjson::Value& object, std::string_view name) {
  auto it = object.FindMember(rapidjson::StringRef(name.data(), name.size()));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

Text text_member(const rapidjson::Value& object, std::string_view name) {
  const rapidjson::Value* v = member(object, name);
  if (v == nullptr || v->IsNull()) return {};
  if (!v->IsString()) return {Lookup::wrong_type, {}};
  return {Lookup::found, std::string(v->GetString(), v->GetStringLength())};
}

// A required member: present, a string, non-empty and at most `limit` bytes.
Expected<std::string, Error> required_text(const rapidjson::Value& object, std::string_view name,
                                           const std::string& where, std::size_t limit) {
  Text t = text_member(object, name);
  const std::string field = where + "." + std::string(name);
  switch (t.lookup) {
    case Lookup::missing:
      return fail<std::string>(field + " is missing");
    case Lookup::wrong_type:
      return fail<std::string>(field + " is not a string");
    case Lookup::found:
      break;
  }
  if (t.value.empty()) return fail<std::string>(field + " is empty");
  if (t.value.size() > limit) return fail<std::string>(field + " is too long");
  return std::move(t.value);
}

// An optional member: absent or null reads as "".
Expected<std::string, Error> optional_text(const rapidjson::Value& object, std::string_view name,
                                           const std::string& where) {
  Text t = text_member(object, name);
  const std::string field = where + "." + std::string(name);
  switch (t.lookup) {
    case Lookup::missing:
      return std::string();
    case Lookup::wrong_type:
      return fail<std::string>(field + " is not a string");
    case Lookup::found:
      break;
  }
  if (t.value.size() > kMaxTextLength) return fail<std::string>(field + " is too long");
  return std::move(t.value);
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). A space would smuggle a second
// scope into every space-delimited scope string built from the ceiling.
bool is_scope_token(std::string_view scope) {
  if (scope.empty() || scope.size() > kMaxTextLength) return false;
  for (char c : scope) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E || u == 0x22 || u == 0x5C) return false;
  }
  return true;
}

Expected<const rapidjson::Value*, Error> parse_array(std::string_view body,
                                                     rapidjson::Document& doc, std::size_t max,
                                                     const char* what) {
  doc.Parse<kStrictParse>(body.data(), body.size());
  if (doc.HasParseError()) return fail<const rapidjson::Value*>("the answer is not JSON");
  if (!doc.IsArray()) return fail<const rapidjson::Value*>(std::string(what) + " is not an array");
  if (doc.Size() > max) return fail<const rapidjson::Value*>(std::string(what) + " are too many");
  return static_cast<const rapidjson::Value*>(&doc);
}

// FHIR R4 Period (start, end: dateTime) as display text.
Expected<std::string, Error> period_text(const rapidjson::Value& value, const std::string& where) {
  if (value.IsString()) {
    if (value.GetStringLength() > kMaxTextLength) return fail<std::string>(where + " is too long");
    return std::string(value.GetString(), value.GetStringLength());
  }
  if (auto problem = check_object(value, where)) return fail<std::string>(*problem);
  auto start = optional_text(value, "start", where);
  if (!start) return start;
  auto end = optional_text(value, "end", where);
  if (!end) return end;
  if (!start->empty() && !end->empty()) return *start + " to " + *end;
  if (!start->empty()) return "from " + *start;
  if (!end->empty()) return "until " + *end;
  return std::string();
}

// FHIR R4 CodeableConcept: its text, else the display of its first coding that has one.
Expected<std::string, Error> concept_text(const rapidjson::Value& value, const std::string& where) {
  if (auto problem = check_object(value, where)) return fail<std::string>(*problem);
  auto text = optional_text(value, "text", where);
  if (!text || !text->empty()) return text;
  const rapidjson::Value* codings = member(value, "coding");
  if (codings == nullptr || codings->IsNull()) return std::string();
  if (!codings->IsArray()) return fail<std::string>(where + ".coding is not an array");
  for (rapidjson::SizeType i = 0; i < codings->Size(); ++i) {
    const std::string at = where + ".coding[" + std::to_string(i) + "]";
    if (auto problem = check_object((*codings)[i], at)) return fail<std::string>(*problem);
    auto display = optional_text((*codings)[i], "display", at);
    if (!display || !display->empty()) return display;
  }
  return std::string();
}

Expected<std::string, Error> type_text(const rapidjson::Value& value, const std::string& where) {
  if (value.IsString()) {
    if (value.GetStringLength() > kMaxTextLength) return fail<std::string>(where + " is too long");
    return std::string(value.GetString(), value.GetStringLength());
  }
  if (!value.IsArray()) return concept_text(value, where);
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    auto text = concept_text(value[i], where + "[" + std::to_string(i) + "]");
    if (!text || !text->empty()) return text;
  }
  return std::string();
}

}  // namespace

Expected<User, std::string> parse_user(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<kStrictParse>(body.data(), body.size());
  if (doc.HasParseError()) return fail<User>("the answer is not JSON");
  if (auto problem = check_object(doc, "user")) return fail<User>(*problem);
  User user;
  auto id = required_text(doc, "id", "user", kMaxIdLength);
  if (!id) return fail<User>(id.error());
  auto fhir_user = required_text(doc, "fhirUser", "user", kMaxTextLength);
  if (!fhir_user) return fail<User>(fhir_user.error());
  auto name = optional_text(doc, "name", "user");
  if (!name) return fail<User>(name.error());
  user.id = std::move(*id);
  user.fhir_user = std::move(*fhir_user);
  user.name = std::move(*name);

  const rapidjson::Value* scopes = member(doc, "scopes");
  if (scopes == nullptr) return fail<User>("user.scopes is missing");
  if (!scopes->IsArray()) return fail<User>("user.scopes is not an array");
  if (scopes->Size() > kMaxScopes) return fail<User>("user.scopes are too many");
  for (const auto& scope : scopes->GetArray()) {
    if (!scope.IsString()) return fail<User>("user.scopes holds a non-string");
    std::string_view text(scope.GetString(), scope.GetStringLength());
    if (!is_scope_token(text)) return fail<User>("user.scopes holds a malformed scope");
    user.scopes.emplace_back(text);
  }
  return user;
}

Expected<std::vector<Patient>, std::string> parse_patients(std::string_view body) {
  using Result = std::vector<Patient>;
  rapidjson::Document doc;
  auto list = parse_array(body, doc, kMaxPatients, "patients");
  if (!list) return fail<Result>(list.error());
  Result patients;
  for (rapidjson::SizeType i = 0; i < (*list)->Size(); ++i) {
    const auto& item = (**list)[i];
    const std::string where = "patients[" + std::to_string(i) + "]";
    if (auto problem = check_object(item, where)) return fail<Result>(*problem);
    auto id = required_text(item, "id", where, kMaxIdLength);
    if (!id) return fail<Result>(id.error());
    auto name = optional_text(item, "name", where);
    if (!name) return fail<Result>(name.error());
    auto birth_date = optional_text(item, "birthDate", where);
    if (!birth_date) return fail<Result>(birth_date.error());
    patients.push_back({std::move(*id), std::move(*name), std::move(*birth_date)});
  }
  return patients;
}

Expected<std::vector<Encounter>, std::string> parse_encounters(std::string_view body) {
  using Result = std::vector<Encounter>;
  rapidjson::Document doc;
  auto list = parse_array(body, doc, kMaxEncounters, "encounters");
  if (!list) return fail<Result>(list.error());
  Result encounters;
  for (rapidjson::SizeType i = 0; i < (*list)->Size(); ++i) {
    const auto& item = (**list)[i];
    const std::string where = "encounters[" + std::to_string(i) + "]";
    if (auto problem = check_object(item, where)) return fail<Result>(*problem);
    auto id = required_text(item, "id", where, kMaxIdLength);
    if (!id) return fail<Result>(id.error());
    Encounter encounter{std::move(*id), {}, {}};
    if (const auto* period = member(item, "period"); period != nullptr && !period->IsNull()) {
      auto text = period_text(*period, where + ".period");
      if (!text) return fail<Result>(text.error());
      encounter.period = std::move(*text);
    }
    if (const auto* type = member(item, "type"); type != nullptr && !type->IsNull()) {
      auto text = type_text(*type, where + ".type");
      if (!text) return fail<Result>(text.error());
      encounter.type = std::move(*text);
    }
    encounters.push_back(std::move(encounter));
  }
  return encounters;
}

std::optional<std::string> authenticate_body(std::string_view username, std::string_view password) {
  rapidjson::StringBuffer buffer;
  // RFC 8259 §8.1: JSON text exchanged between systems MUST be UTF-8.
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                    rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>
      writer(buffer);
  bool ok = writer.StartObject() && writer.Key("username") &&
            writer.String(username.data(), static_cast<rapidjson::SizeType>(username.size())) &&
            writer.Key("password") &&
            writer.String(password.data(), static_cast<rapidjson::SizeType>(password.size())) &&
            writer.EndObject();
  if (!ok) return std::nullopt;
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace sa::directory::json
