// What an authorization offers (requested ∩ client ∩ user) before the user's choice.
#include "authorize/scope_grant.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace sa::authorize {
namespace {

using oauth::ErrorCode;

// Everything a SMART app could be registered for, system/ included (a static client may be).
constexpr std::string_view kWideClient =
    "launch launch/patient launch/encounter openid fhirUser profile offline_access online_access "
    "patient/*.cruds user/*.cruds system/*.cruds";

struct Ask {
  std::string requested;
  std::string client = std::string(kWideClient);
  std::vector<std::string> user = {"patient/*.cruds", "user/*.cruds", "system/*.cruds"};
  bool patient_user = false;
  bool ehr_launch = false;
};

Expected<Offer, RedirectError> offer(const Ask& ask) {
  return offer_scopes(ScopeRequest{.requested = ask.requested,
                                   .client_scope = ask.client,
                                   .user_scopes = ask.user,
                                   .patient_user = ask.patient_user,
                                   .ehr_launch = ask.ehr_launch});
}

std::string offered(const Ask& ask) {
  auto result = offer(ask);
  INFO(ask.requested);
  INFO((result ? std::string() : result.error().description));
  REQUIRE(result);
  return scopes::join(result->scopes);
}

ErrorCode refused(const Ask& ask) {
  auto result = offer(ask);
  INFO(ask.requested);
  REQUIRE_FALSE(result);
  CHECK_FALSE(result.error().description.empty());
  return result.error().code;
}

bool dropped_mentions(const Offer& o, std::string_view token) {
  for (const std::string& line : o.dropped) {
    if (line.starts_with(std::string(token) + ": ")) return true;
  }
  return false;
}

TEST_CASE("the offer is the request intersected with the client's and the user's ceilings",
          "[authorize][scope]") {
  // SCOPE-10 (SMART App Launch 2.2: scopes only delegate); CONTRACT: requested ∩ ceiling ∩ client.
  auto [requested, client, user, expected] =
      GENERATE(table<std::string, std::string, std::vector<std::string>, std::string>({
          {"patient/Observation.cruds patient/Condition.rs",
           "patient/*.rs",
           {"patient/Observation.rs"},
           "patient/Observation.rs"},
          {"patient/*.rs",
           "patient/*.cruds",
           {"patient/Patient.r", "patient/Observation.rs"},
           "patient/Patient.r patient/Observation.rs"},
          {"patient/Patient.rs patient/Observation.rs",
           "patient/Patient.rs",
           {"patient/*.rs"},
           "patient/Patient.rs"},
          {"user/Patient.rs user/Observation.cruds",
           "user/*.cruds",
           {"user/*.rs"},
           "user/Patient.rs user/Observation.rs"},
          // A user/ ceiling bounds the patient/ scopes of the patient in context too.
          {"patient/Patient.rs patient/Observation.cud",
           "patient/*.cruds",
           {"user/*.rs"},
           "patient/Patient.rs"},
          // The user's ceiling does not limit identity and context scopes; the client's does.
          {"openid fhirUser offline_access patient/Patient.rs",
           "openid offline_access patient/*.rs",
           {"patient/Patient.r"},
           "openid offline_access patient/Patient.r"},
          // SCOPE-4: a ceiling's query constraint narrows the grant.
          {"patient/Observation.rs",
           "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/"
           "observation-category|laboratory",
           {"patient/*.rs"},
           "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/"
           "observation-category|laboratory"},
      }));
  Ask ask{.requested = requested, .client = client, .user = user};
  CHECK(offered(ask) == expected);
}

TEST_CASE("scopes beyond a ceiling are dropped with the reason kept for the audit log",
          "[authorize][scope]") {
  auto result = offer({.requested = "openid profile patient/Patient.rs patient/Observation.rs",
                       .client = "openid patient/Patient.rs patient/Observation.rs",
                       .user = {"patient/Patient.rs"}});
  REQUIRE(result);
  CHECK(scopes::join(result->scopes) == "openid patient/Patient.rs");
  CHECK(dropped_mentions(*result, "profile"));
  CHECK(dropped_mentions(*result, "patient/Observation.rs"));
  CHECK_FALSE(dropped_mentions(*result, "patient/Patient.rs"));
}

TEST_CASE("a patient user is never offered user/ scopes", "[authorize][scope]") {
  // CONTRACT, issue 7: a patient user never gets user/ or system/.
  Ask ask{.requested = "openid user/*.rs patient/*.rs user/Observation.rs", .patient_user = true};
  auto result = offer(ask);
  REQUIRE(result);
  CHECK(scopes::join(result->scopes) == "openid patient/*.rs");
  CHECK(dropped_mentions(*result, "user/*.rs"));
  CHECK(dropped_mentions(*result, "user/Observation.rs"));
  CHECK(result->patient_user);

  // Only user/ asked for: nothing grantable.
  CHECK(refused({.requested = "launch/patient user/*.rs", .patient_user = true}) ==
        ErrorCode::invalid_scope);
}

TEST_CASE("system/ scopes are never offered through authorize", "[authorize][scope]") {
  // SMART Backend Services: system/ is for client_credentials; the client and user allow it here.
  auto result = offer({.requested = "system/*.rs patient/Patient.rs system/Patient.read"});
  REQUIRE(result);
  CHECK(scopes::join(result->scopes) == "patient/Patient.rs");
  CHECK(dropped_mentions(*result, "system/*.rs"));
  CHECK(dropped_mentions(*result, "system/Patient.read"));
  CHECK(refused({.requested = "system/*.rs"}) == ErrorCode::invalid_scope);
}

TEST_CASE("the launch scope belongs to an EHR launch", "[authorize][scope]") {
  // LAUNCH-3: `launch` with the launch parameter, and the parameter with `launch`.
  SECTION("launch without a launch parameter is invalid_scope") {
    CHECK(refused({.requested = "launch openid patient/*.rs"}) == ErrorCode::invalid_scope);
  }
  SECTION("an EHR launch without the launch scope is invalid_scope") {
    CHECK(refused({.requested = "openid patient/*.rs", .ehr_launch = true}) ==
          ErrorCode::invalid_scope);
  }
  SECTION("an EHR launch by a client not registered for launch is invalid_scope") {
    CHECK(refused({.requested = "launch patient/*.rs",
                   .client = "launch/patient patient/*.rs",
                   .ehr_launch = true}) == ErrorCode::invalid_scope);
  }
  SECTION("in an EHR launch, launch/patient and launch/encounter are hints: no picker") {
    // LAUNCH-4, SCOPE-8: still echoed in the grant.
    auto result = offer({.requested = "launch launch/patient launch/encounter openid fhirUser "
                                      "patient/Patient.rs",
                         .ehr_launch = true});
    REQUIRE(result);
    CHECK(scopes::join(result->scopes) ==
          "launch launch/patient launch/encounter openid fhirUser patient/Patient.rs");
    CHECK_FALSE(result->needs_patient);
    CHECK_FALSE(result->needs_encounter);
  }
  SECTION("the g10 EHR patient launch of a practitioner whose ceiling is user/") {
    // G10-3, G10-4: launch openid fhirUser offline_access patient/Patient.rs → patient/Patient.rs.
    auto result = offer({.requested = "launch openid fhirUser offline_access patient/Patient.rs",
                         .user = {"user/*.rs"},
                         .ehr_launch = true});
    REQUIRE(result);
    CHECK(scopes::join(result->scopes) ==
          "launch openid fhirUser offline_access patient/Patient.rs");
  }
}

TEST_CASE("a standalone launch asks for the patient and encounter to be chosen",
          "[authorize][scope]") {
  auto result = offer({.requested = "launch/patient launch/encounter online_access patient/*.rs"});
  REQUIRE(result);
  CHECK(result->needs_patient);
  CHECK(result->needs_encounter);
  // SCOPE-11: online_access is kept in a standalone launch.
  CHECK(scopes::join(result->scopes) ==
        "launch/patient launch/encounter online_access patient/*.rs");

  auto no_context = offer({.requested = "openid patient/*.rs"});
  REQUIRE(no_context);
  CHECK_FALSE(no_context->needs_patient);
  CHECK_FALSE(no_context->needs_encounter);
}

TEST_CASE("unknown and malformed scopes are dropped and the rest is offered",
          "[authorize][scope]") {
  // SCOPE-3 (may ignore undefined suffixes and types); "Common failure points": never reject the
  // whole request for one scope.
  auto result = offer({.requested = "patient/Patient.rs __custom patient/Patient.unknownAction "
                                    "patient/UnknownResource.read patient/Observation.dus "
                                    "patient/Observation.rs?category  openid"});
  REQUIRE(result);
  CHECK(scopes::join(result->scopes) == "patient/Patient.rs openid");
  for (std::string_view token :
       {"__custom", "patient/Patient.unknownAction", "patient/UnknownResource.read",
        "patient/Observation.dus", "patient/Observation.rs?category"}) {
    CAPTURE(token);
    CHECK(dropped_mentions(*result, token));
  }
}

TEST_CASE("nothing grantable left is invalid_scope", "[authorize][scope]") {
  auto requested = GENERATE(as<std::string>{},
                            "",                               // AUTHZ-2: scope required
                            "patient/Unknown.rs __custom",    // all dropped
                            "launch/patient offline_access",  // context alone grants nothing
                            "patient/Patient.rs");            // beyond the user's ceiling
  CAPTURE(requested);
  CHECK(refused({.requested = requested, .user = {"patient/Observation.rs"}}) ==
        ErrorCode::invalid_scope);
}

TEST_CASE("identity alone is grantable: an app that only signs the user in", "[authorize][scope]") {
  CHECK(offered({.requested = "openid fhirUser", .user = {}}) == "openid fhirUser");
}

TEST_CASE("the scope request is bounded in tokens and bytes", "[authorize][scope]") {
  std::string hundred = "openid";
  for (std::size_t i = 1; i < scopes::kMaxScopeTokens; ++i) hundred += " __x" + std::to_string(i);
  CHECK(offered({.requested = hundred}) == "openid");
  CHECK(refused({.requested = hundred + " __y"}) == ErrorCode::invalid_scope);
  const std::string huge = "openid __" + std::string(scopes::kMaxScopeBytes, 'x');
  CHECK(refused({.requested = huge}) == ErrorCode::invalid_scope);
}

TEST_CASE("the request's v1 or v2 spelling is kept, factored", "[authorize][scope]") {
  // SCOPE-2 (v1 requested, v1 returned), SCOPE-7 (.rs, never .r + .s).
  auto [requested, client, expected] = GENERATE(table<std::string, std::string, std::string>({
      {"patient/Patient.read patient/Observation.*", "patient/*.rs",
       "patient/Patient.read patient/Observation.read"},
      {"patient/Patient.read", "patient/*.cruds", "patient/Patient.read"},
      {"patient/*.cruds", "patient/*.rs", "patient/*.rs"},
      {"patient/Patient.rs", "patient/*.read", "patient/Patient.rs"},
      {"user/Observation.write", "user/*.cruds", "user/Observation.write"},
  }));
  CHECK(offered({.requested = requested, .client = client}) == expected);
}

TEST_CASE("a repeated or doubly-spaced scope is offered once", "[authorize][scope]") {
  CHECK(offered({.requested = "openid  openid patient/Patient.rs patient/Patient.rs"}) ==
        "openid patient/Patient.rs");
}

}  // namespace
}  // namespace sa::authorize
