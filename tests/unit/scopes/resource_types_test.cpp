#include "scopes/resource_types.hpp"

#include <catch2/catch.hpp>

namespace sa::scopes {
namespace {

TEST_CASE("R4 resource types are known by their exact name", "[scopes]") {
  auto name = GENERATE("Patient", "Observation", "AllergyIntolerance", "Account",
                       "VisionPrescription", "MedicinalProductUndesirableEffect", "Binary");
  CHECK(is_r4_resource_type(name));
}

TEST_CASE("names that are not R4 resource types are refused", "[scopes]") {
  // SCOPE-3: `system/UnknownResource.read` must be invalid_scope.
  auto name = GENERATE("UnknownResource", "patient", "PATIENT", "Resource", "DomainResource", "*",
                       "", "Patient ", "NutritionProduct" /* R5 only */);
  CHECK_FALSE(is_r4_resource_type(name));
}

TEST_CASE("a lowercase launch type maps back to its resource type", "[scopes]") {
  CHECK(r4_type_from_lowercase("patient") == std::optional<std::string_view>("Patient"));
  CHECK(r4_type_from_lowercase("diagnosticreport") ==
        std::optional<std::string_view>("DiagnosticReport"));
  CHECK_FALSE(r4_type_from_lowercase("nosuchtype"));
}

}  // namespace
}  // namespace sa::scopes

TEST_CASE("a FHIR id is 1 to 64 letters, digits, '-' and '.'", "[scopes]") {
  // CTX-1: patient and encounter travel as ids, not references.
  CHECK(sa::scopes::is_fhir_id("1002"));
  CHECK(sa::scopes::is_fhir_id("enc-1002.1"));
  CHECK(sa::scopes::is_fhir_id(std::string(64, 'a')));
  CHECK_FALSE(sa::scopes::is_fhir_id(std::string(65, 'a')));
  CHECK_FALSE(sa::scopes::is_fhir_id(""));
  CHECK_FALSE(sa::scopes::is_fhir_id("Patient/1"));
  CHECK_FALSE(sa::scopes::is_fhir_id("a_b"));
  CHECK_FALSE(sa::scopes::is_fhir_id("a b"));
}
