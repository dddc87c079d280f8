#include "scopes/grant.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace sa::scopes {
namespace {

std::vector<Scope> scopes(std::string_view text) {
  if (text.empty()) return {};
  auto parsed = parse_scope_string(text);
  INFO(text);
  REQUIRE(parsed);
  return *parsed;
}

std::string granted(std::string_view requested, std::string_view ceiling) {
  return join(grant(scopes(requested), scopes(ceiling)));
}

TEST_CASE("granted scopes are the request intersected with the ceiling", "[scopes][grant]") {
  auto [requested, ceiling, expected] = GENERATE(table<std::string, std::string, std::string>({
      // BACKEND-4: v1 and v2 wildcards alike; the request's spelling is kept.
      {"system/*.read", "system/*.rs", "system/*.read"},
      {"system/*.rs", "system/*.read", "system/*.rs"},
      {"system/*.rs", "system/*.cruds", "system/*.rs"},
      {"system/*.read", "system/*.*", "system/*.read"},
      // BACKEND-3: narrowed to what the client was registered for.
      {"system/*.read", "system/Observation.rs system/Patient.r",
       "system/Observation.read system/Patient.r"},
      {"system/Observation.cruds", "system/*.rs", "system/Observation.rs"},
      {"system/Observation.write", "system/*.cruds", "system/Observation.write"},
      {"system/Observation.write", "system/*.cu", "system/Observation.cu"},
      // Nothing in common.
      {"system/Patient.rs", "system/Observation.rs", ""},
      {"system/Patient.c", "system/Patient.rs", ""},
      {"patient/Patient.rs", "system/Patient.rs", ""},
      {"system/*.rs", "", ""},
      // SCOPE-4: queries narrow; different ones do not combine.
      {"patient/Observation.rs?category=laboratory", "patient/Observation.rs",
       "patient/Observation.rs?category=laboratory"},
      {"patient/Observation.rs", "patient/Observation.rs?category=laboratory",
       "patient/Observation.rs?category=laboratory"},
      {"patient/Observation.rs?category=laboratory", "patient/*.read?category=laboratory",
       "patient/Observation.rs?category=laboratory"},
      {"patient/Observation.rs?category=laboratory", "patient/Observation.rs?category=vital-signs",
       ""},
      {"patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/"
       "observation-category|laboratory",
       "patient/*.cruds",
       "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/"
       "observation-category|laboratory"},
      // SCOPE-8: non-resource scopes need the identical token.
      {"openid fhirUser launch/patient offline_access", "openid launch/patient",
       "openid launch/patient"},
      {"openid", "openid fhirUser", "openid"},
      {"__custom", "__custom", "__custom"},
      {"__custom", "__other", ""},
      {"launch/patient", "launch", ""},
  }));
  INFO(requested << " ∩ " << ceiling);
  CHECK(granted(requested, ceiling) == expected);
}

TEST_CASE("the grant has no duplicates and nothing a broader granted scope covers",
          "[scopes][grant]") {
  auto [requested, ceiling, expected] = GENERATE(table<std::string, std::string, std::string>({
      {"system/*.rs system/*.rs", "system/*.rs", "system/*.rs"},
      {"system/*.rs system/*.read", "system/*.rs", "system/*.rs"},
      {"system/Patient.r system/*.rs", "system/*.rs", "system/*.rs"},
      {"system/*.rs system/Patient.r", "system/*.rs", "system/*.rs"},
      {"patient/Observation.rs?category=laboratory patient/Observation.rs",
       "patient/Observation.rs", "patient/Observation.rs"},
      // The ceiling repeats itself; one grant.
      {"system/Patient.rs", "system/*.rs system/Patient.rs", "system/Patient.rs"},
      // Both halves of a split ceiling are granted, in ceiling order.
      {"system/*.rs", "system/Patient.r system/Observation.s",
       "system/Patient.r system/Observation.s"},
      {"openid openid", "openid", "openid"},
  }));
  INFO(requested << " ∩ " << ceiling);
  CHECK(granted(requested, ceiling) == expected);
}

TEST_CASE("the grant follows the order of the request", "[scopes][grant]") {
  CHECK(granted("system/Patient.rs openid system/Observation.rs",
                "system/Observation.rs openid system/Patient.rs") ==
        "system/Patient.rs openid system/Observation.rs");
}

TEST_CASE("intersect keeps the first scope's syntax and the narrower parts", "[scopes][grant]") {
  ResourceScope wide{
      .context = Context::user, .type = "*", .permissions = kAllPermissions, .syntax = Syntax::v2};
  ResourceScope narrow{.context = Context::user,
                       .type = "Encounter",
                       .permissions = kV1Read,
                       .query = "status=finished",
                       .syntax = Syntax::v1};
  auto both = intersect(narrow, wide);
  REQUIRE(both);
  CHECK(to_string(*both) == "user/Encounter.read?status=finished");
  auto reverse = intersect(wide, narrow);
  REQUIRE(reverse);
  CHECK(to_string(*reverse) == "user/Encounter.rs?status=finished");
  CHECK(subsumes(wide, narrow));
  CHECK_FALSE(subsumes(narrow, wide));
}

TEST_CASE("a query-constrained scope does not subsume the unconstrained one", "[scopes][grant]") {
  ResourceScope constrained{.context = Context::patient,
                            .type = "Observation",
                            .permissions = kV1Read,
                            .query = "category=laboratory"};
  ResourceScope plain{.context = Context::patient, .type = "Observation", .permissions = kV1Read};
  CHECK(subsumes(plain, constrained));
  CHECK_FALSE(subsumes(constrained, plain));
}

}  // namespace
}  // namespace sa::scopes
