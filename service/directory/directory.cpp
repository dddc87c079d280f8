#include "directory/directory.hpp"

#include <algorithm>
#include <array>

#include "directory/fhir_user.hpp"

namespace sa::directory {
namespace {

constexpr std::array<std::string_view, 5> kUserResourceTypes = {
    "Patient", "Practitioner", "PractitionerRole", "RelatedPerson", "Person"};

}  // namespace


std::optional<FhirUserReference> parse_fhir_user(std::string_view text) {
  std::string_view reference = text;
  if (text.starts_with("https://") || text.starts_with("http://")) {
    // The last two path segments of the absolute URL; there must be a host before them.
    const std::size_t authority = text.find("://") + 3;
    const std::size_t id_slash = text.rfind('/');
    if (id_slash == std::string_view::npos || id_slash <= authority) return std::nullopt;
    const std::size_t type_slash = text.rfind('/', id_slash - 1);
    if (type_slash == std::string_view::npos || type_slash < authority) return std::nullopt;
    if (text.find_first_of("?#") != std::string_view::npos) return std::nullopt;
    reference = text.substr(type_slash + 1);
  }
  const std::size_t slash = reference.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view type = reference.substr(0, slash);
  const std::string_view id = reference.substr(slash + 1);
  if (std::find(kUserResourceTypes.begin(), kUserResourceTypes.end(), type) ==
          kUserResourceTypes.end() ||
      !is_fhir_id(id)) {
    return std::nullopt;
  }
  return FhirUserReference{std::string(type), std::string(id)};
}

std::optional<std::string> own_patient_id(const User& user) {
  auto reference = parse_fhir_user(user.fhir_user);
  // SMART App Launch 2.2, "Scopes and Launch Context": a Patient fhirUser is the patient
  // themself, who may open only their own record.
  if (!reference || reference->resource_type != "Patient") return std::nullopt;
  return std::move(reference->id);
}

std::string_view to_string(DirectoryError error) {
  switch (error) {
    case DirectoryError::invalid_credentials:
      return "invalid_credentials";
    case DirectoryError::not_found:
      return "not_found";
    case DirectoryError::unavailable:
      return "unavailable";
  }
  return "unknown";
}

}  // namespace sa::directory
