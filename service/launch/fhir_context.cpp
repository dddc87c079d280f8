#include "launch/fhir_context.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <span>
#include <string>

#include "crypto/json_read.hpp"
#include "launch/launch_request.hpp"
#include "scopes/resource_types.hpp"
#include "url/rules.hpp"

namespace sa::launch {
namespace {

using oauth::ErrorCode;

constexpr std::size_t kMaxUriChars = 2048;
constexpr std::size_t kMaxIdentifierBytes = 2048;
constexpr std::size_t kMaxVersionChars = 64;

constexpr std::array<std::string_view, 5> kItemMembers = {"reference", "canonical", "identifier",
                                                          "type", "role"};
// FHIR R4 Identifier's elements (datatypes.html#Identifier).
constexpr std::array<std::string_view, 8> kIdentifierMembers = {
    "id", "extension", "use", "type", "system", "value", "period", "assigner"};

class ItemError {
 public:
  explicit ItemError(std::size_t index) : prefix_("fhirContext[" + std::to_string(index) + "]") {}
  oauth::Error operator()(std::string_view member, std::string_view problem) const {
    std::string field = prefix_;
    if (!member.empty()) field += "." + std::string(member);
    return oauth::make_error(ErrorCode::invalid_request, field + " " + std::string(problem));
  }

 private:
  std::string prefix_;
};

bool contains(std::span<const std::string_view> list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::optional<oauth::Error> check_identifier(const rapidjson::Value& identifier,
                                             const ItemError& bad) {
  if (!identifier.IsObject() || identifier.MemberCount() == 0) {
    return bad("identifier", "must be a non-empty FHIR Identifier object");
  }
  if (crypto::detail::has_duplicate_members(identifier)) {
    return bad("identifier", "must not repeat a member");
  }
  for (const auto& m : identifier.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (!contains(kIdentifierMembers, name)) {
      return bad("identifier",
                 "must hold FHIR Identifier elements only (use, type, system, "
                 "value, period, assigner, id, extension)");
    }
    if ((name == "system" || name == "value" || name == "use" || name == "id") &&
        !m.value.IsString()) {
      return bad("identifier." + std::string(name), "must be a string");
    }
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  identifier.Accept(writer);
  if (buffer.GetSize() > kMaxIdentifierBytes) {
    return bad("identifier", "must be at most " + std::to_string(kMaxIdentifierBytes) + " bytes");
  }
  return std::nullopt;
}

// `Type/id`: the type of a reference, or nullopt when the text is not one.
std::optional<std::string_view> reference_type(std::string_view reference) {
  const std::size_t slash = reference.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view type = reference.substr(0, slash);
  if (!scopes::is_r4_resource_type(type) || !is_fhir_id(reference.substr(slash + 1))) {
    return std::nullopt;
  }
  return type;
}

// A canonical: an absolute URI with an optional |version (FHIR R4 datatypes, canonical).
std::optional<std::string> canonical_problem(std::string_view canonical) {
  if (canonical.size() > kMaxUriChars) {
    return "must be at most " + std::to_string(kMaxUriChars) + " characters";
  }
  std::string_view uri = canonical;
  if (const std::size_t bar = canonical.find('|'); bar != std::string_view::npos) {
    const std::string_view version = canonical.substr(bar + 1);
    if (version.empty() || version.size() > kMaxVersionChars ||
        version.find('|') != std::string_view::npos ||
        !std::all_of(version.begin(), version.end(), [](char c) { return c > ' ' && c < 0x7f; })) {
      return std::string("must be an absolute URI with an optional |version");
    }
    uri = canonical.substr(0, bar);
  }
  if (url::check_absolute_uri(uri)) {
    return std::string("must be an absolute URI with an optional |version");
  }
  return std::nullopt;
}

std::optional<oauth::Error> check_item(const rapidjson::Value& item, const ItemError& bad) {
  if (!item.IsObject()) return bad("", "must be an object");
  if (crypto::detail::has_duplicate_members(item)) return bad("", "must not repeat a member");
  for (const auto& m : item.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (!contains(kItemMembers, name)) {
      return bad(name.substr(0, 64),
                 "is not a fhirContext member (SMART App Launch 2.2: "
                 "reference, canonical, identifier, type, role)");
    }
    if (name != "identifier" && !m.value.IsString()) return bad(name, "must be a string");
  }
  using crypto::detail::find_member;
  const rapidjson::Value* reference = find_member(item, "reference");
  const rapidjson::Value* canonical = find_member(item, "canonical");
  const rapidjson::Value* identifier = find_member(item, "identifier");
  const rapidjson::Value* type = find_member(item, "type");
  const rapidjson::Value* role = find_member(item, "role");
  // SMART App Launch 2.2, fhirContext: each object SHALL include at least one of reference,
  // canonical and identifier.
  if (reference == nullptr && canonical == nullptr && identifier == nullptr) {
    return bad("", "must have a reference, canonical or identifier");
  }
  std::optional<std::string_view> resource_type;
  if (reference != nullptr) {
    // SMART App Launch 2.2, fhirContext: reference is a relative reference (Type/id), never an
    // absolute URL to another server.
    resource_type = reference_type({reference->GetString(), reference->GetStringLength()});
    if (!resource_type) {
      return bad("reference",
                 "must be a relative reference Type/id (an R4 resource type and a "
                 "FHIR id), not a URL");
    }
  }
  if (canonical != nullptr) {
    if (auto problem = canonical_problem({canonical->GetString(), canonical->GetStringLength()})) {
      return bad("canonical", *problem);
    }
  }
  if (identifier != nullptr) {
    if (auto err = check_identifier(*identifier, bad)) return err;
  }
  if (type != nullptr) {
    const std::string_view name(type->GetString(), type->GetStringLength());
    if (!scopes::is_r4_resource_type(name)) return bad("type", "must be an R4 resource type");
    if (resource_type && *resource_type != name) {
      return bad("type", "must match the type of reference");
    }
    resource_type = name;
  }
  std::optional<std::string_view> role_text;
  if (role != nullptr) {
    role_text = std::string_view(role->GetString(), role->GetStringLength());
    // SMART App Launch 2.2, fhirContext: role is an absolute URI unless a registered role
    // ("launch"), and never "".
    if (*role_text != "launch" &&
        (role_text->size() > kMaxUriChars || url::check_absolute_uri(*role_text))) {
      return bad("role", "must be \"launch\" or an absolute URI");
    }
  }
  // SMART App Launch 2.2, fhirContext: Patient and Encounter travel as `patient` and `encounter`;
  // in fhirContext only with a role other than "launch".
  if (resource_type && (*resource_type == "Patient" || *resource_type == "Encounter") &&
      (!role_text || *role_text == "launch")) {
    return bad("role",
               "is required, and not \"launch\", for a Patient or Encounter item (use "
               "the patient and encounter members for the launch context)");
  }
  return std::nullopt;
}

}  // namespace


std::optional<oauth::Error> check_fhir_context(const rapidjson::Value& context) {
  // CTX-3: SMART App Launch 2.2 makes fhirContext an array of objects (2.0's strings are gone).
  if (!context.IsArray()) {
    return oauth::make_error(ErrorCode::invalid_request, "fhirContext must be an array of objects");
  }
  if (context.Size() > kMaxFhirContextItems) {
    return oauth::make_error(
        ErrorCode::invalid_request,
        "fhirContext must have at most " + std::to_string(kMaxFhirContextItems) + " items");
  }
  for (rapidjson::SizeType i = 0; i < context.Size(); ++i) {
    if (auto err = check_item(context[i], ItemError(i))) return err;
  }
  return std::nullopt;
}

}  // namespace sa::launch
