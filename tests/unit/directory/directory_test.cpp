// own_patient_id and the fhirUser shapes it reads (SMART App Launch 2.2, fhirUser).
#include "directory/directory.hpp"

#include <catch2/catch.hpp>

#include "directory/fhir_user.hpp"

using namespace sa::directory;

namespace {
std::optional<std::string> own(std::string fhir_user) {
  return own_patient_id(User{"u", std::move(fhir_user), "Name", {}});
}
}  // namespace

TEST_CASE("a Patient fhirUser, relative or absolute, is the user's own patient id",
          "[directory][fhirUser]") {
  // CTX-1: the patient id is the FHIR id, not the reference.
  CHECK(own("Patient/123") == "123");
  CHECK(own("https://ehr.example.org/fhir/Patient/123") == "123");
  CHECK(own("http://localhost:8080/fhir/Patient/a-b.c") == "a-b.c");
}

TEST_CASE("any other fhirUser has no own patient", "[directory][fhirUser]") {
  const auto other =
      GENERATE(as<std::string>{}, "Practitioner/1", "RelatedPerson/123",
               "https://ehr.example.org/fhir/Practitioner/123", "Patient/", "Patient", "123", "",
               "patient/123", "XPatient/123", "Patient/123/_history/2", "Patient/12 3",
               "Patient/12_3", "https://ehr.example.org/fhir/Patient/123?x=1",
               "https://Patient/123", "ftp://ehr/fhir/Patient/123");
  INFO(other);
  CHECK_FALSE(own(other).has_value());
}

TEST_CASE("fhirUser names one of the five resource types a user can be", "[directory][fhirUser]") {
  for (const char* type :
       {"Patient", "Practitioner", "PractitionerRole", "RelatedPerson", "Person"}) {
    auto parsed = parse_fhir_user(std::string(type) + "/x1");
    REQUIRE(parsed);
    CHECK(parsed->resource_type == type);
    CHECK(parsed->id == "x1");
  }
  CHECK_FALSE(parse_fhir_user("Organization/1"));
  CHECK_FALSE(parse_fhir_user("Practitioner/" + std::string(65, 'a')));
}

TEST_CASE("every directory error has a name", "[directory]") {
  CHECK(to_string(DirectoryError::invalid_credentials) == "invalid_credentials");
  CHECK(to_string(DirectoryError::not_found) == "not_found");
  CHECK(to_string(DirectoryError::unavailable) == "unavailable");
}
