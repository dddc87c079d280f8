// The FHIR R4 (4.0.1) resource type names, for validating the type part of a SMART scope
// (`system/Observation.rs`) and the `launch/<type>` context scopes. It knows names only: no
// compartments, no profiles, no other FHIR version.
#pragma once

#include <optional>
#include <string_view>

namespace sa::scopes {

// FHIR R4 datatypes, id: [A-Za-z0-9\-\.]{1,64} (a resource's logical id).
bool is_fhir_id(std::string_view text);

// Exact, case-sensitive: "Patient" yes, "patient" no. "*" is not a type (the caller handles it).
bool is_r4_resource_type(std::string_view name);
// The type whose all-lowercase spelling is `lower` ("diagnosticreport" -> "DiagnosticReport").
std::optional<std::string_view> r4_type_from_lowercase(std::string_view lower);

}  // namespace sa::scopes
