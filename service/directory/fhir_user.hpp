// The shape of a fhirUser value (SMART App Launch 2.2, "Scopes and Launch Context", fhirUser):
// a relative reference "Practitioner/1" or an absolute URL ending in one. Used by own_patient_id
// and by the adapters to check what a directory says. No I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scopes/resource_types.hpp"

namespace sa::directory {

struct FhirUserReference {
  std::string resource_type;  // Patient, Practitioner, PractitionerRole, RelatedPerson or Person
  std::string id;
};

using scopes::is_fhir_id;  // FHIR R4 "id" datatype (scopes/resource_types.hpp)

// SMART App Launch 2.2: fhirUser is a Patient, Practitioner, PractitionerRole, RelatedPerson or
// Person. Relative ("Patient/123") or an absolute http(s) URL whose path ends in "/Type/id";
// anything else (a version suffix, a query, an unknown type) is none.
std::optional<FhirUserReference> parse_fhir_user(std::string_view text);

}  // namespace sa::directory
