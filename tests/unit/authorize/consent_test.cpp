// The consent page's items, what the user's ticks grant, remembered consent, and the words shown.
#include <algorithm>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "authorize/scope_grant.hpp"

namespace sa::authorize {
namespace {

using oauth::ErrorCode;

constexpr std::string_view kCondition =
    "?category=http://terminology.hl7.org/CodeSystem/condition-category|";
constexpr std::string_view kObservation =
    "?category=http://terminology.hl7.org/CodeSystem/observation-category|";
constexpr std::string_view kHealthConcern =
    "?category=http://hl7.org/fhir/us/core/CodeSystem/condition-category|health-concern";
constexpr std::string_view kSdoh =
    "?category=http://hl7.org/fhir/us/core/CodeSystem/us-core-category|sdoh";
constexpr std::string_view kClinicalTest =
    "?category=http://hl7.org/fhir/us/core/CodeSystem/us-core-observation-category|clinical-test";

// The g10 granular scope selection request (G10-5, SCOPE-5).
constexpr std::string_view kGranularRequest =
    "launch/patient openid fhirUser offline_access patient/Condition.rs patient/Observation.rs "
    "patient/Patient.rs";

const std::vector<std::string> kPatientCeiling = {"patient/*.rs"};

Offer offer_for(std::string_view requested, bool patient_user = true,
                std::string_view client =
                    "launch launch/patient openid fhirUser profile "
                    "offline_access online_access patient/*.cruds "
                    "user/*.cruds",
                const std::vector<std::string>& user = kPatientCeiling) {
  auto result = offer_scopes(ScopeRequest{.requested = requested,
                                          .client_scope = client,
                                          .user_scopes = user,
                                          .patient_user = patient_user,
                                          .ehr_launch = false});
  INFO(requested);
  REQUIRE(result);
  return *result;
}

std::vector<std::string> values(const std::vector<ConsentItem>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) out.push_back(item.value);
  return out;
}

const ConsentItem& item_for(const std::vector<ConsentItem>& items, std::string_view value) {
  for (const auto& item : items) {
    if (item.value == value) return item;
  }
  FAIL("no consent item " << value);
  throw std::logic_error("unreachable");
}

std::string granted(const Offer& offer, const std::vector<std::string>& ticked) {
  auto result = approve(offer, ticked);
  INFO((result ? std::string() : result.error().description));
  REQUIRE(result);
  return scopes::join(*result);
}

TEST_CASE("the consent page has one item per offered scope, launch and identity required",
          "[authorize][consent]") {
  // AUTHZ-12; issue 7: each un-tickable except launch*/openid (and fhirUser).
  const Offer offer = offer_for(kGranularRequest);
  const auto items = consent_items(offer);
  CHECK(values(items) == std::vector<std::string>{"launch/patient", "openid", "fhirUser",
                                                  "offline_access", "patient/Condition.rs",
                                                  "patient/Observation.rs", "patient/Patient.rs"});
  for (const auto& item : items) {
    CAPTURE(item.value);
    const bool required =
        item.value == "launch/patient" || item.value == "openid" || item.value == "fhirUser";
    CHECK(item.required == required);
    CHECK_FALSE(item.description.empty());
  }
}

TEST_CASE("Condition and Observation offer the US Core category sub-scopes",
          "[authorize][consent]") {
  // SCOPE-4, SCOPE-5, G10-5: the categories ONC (g)(10) names, as the g10 kit spells them.
  const auto items = consent_items(offer_for(kGranularRequest));
  const std::string condition = "patient/Condition.rs";
  CHECK(values(item_for(items, condition).sub_items) ==
        std::vector<std::string>{condition + std::string(kCondition) + "encounter-diagnosis",
                                 condition + std::string(kCondition) + "problem-list-item",
                                 condition + std::string(kHealthConcern)});
  const std::string observation = "patient/Observation.rs";
  const auto observation_subs = values(item_for(items, observation).sub_items);
  for (const std::string& required_sub :
       {observation + std::string(kObservation) + "laboratory",
        observation + std::string(kObservation) + "vital-signs",
        observation + std::string(kObservation) + "social-history",
        observation + std::string(kObservation) + "survey", observation + std::string(kSdoh),
        // Clinical Test: US Core 5's code, and US Core 6+'s clinical result categories.
        observation + std::string(kClinicalTest),
        observation + std::string(kObservation) + "procedure",
        observation + std::string(kObservation) + "imaging",
        observation + std::string(kObservation) + "exam",
        observation + std::string(kObservation) + "therapy",
        observation + std::string(kObservation) + "activity"}) {
    CAPTURE(required_sub);
    CHECK(std::find(observation_subs.begin(), observation_subs.end(), required_sub) !=
          observation_subs.end());
  }
  CHECK(observation_subs.size() == 11);
  for (const auto& sub : item_for(items, observation).sub_items) {
    CHECK_FALSE(sub.required);
    CHECK(sub.sub_items.empty());
  }
  CHECK(item_for(items, "patient/Patient.rs").sub_items.empty());
  CHECK(item_for(items, "openid").sub_items.empty());
}

TEST_CASE("sub-scopes follow the parent's context and permissions, in v2 spelling",
          "[authorize][consent]") {
  auto [requested, patient_user, first_sub] = GENERATE(table<std::string, bool, std::string>({
      // SCOPE-2: a v1 parent; query constraints are v2 syntax.
      {"patient/Condition.read", true, "patient/Condition.rs"},
      {"patient/Condition.*", true, "patient/Condition.cruds"},
      {"patient/Condition.cruds", true, "patient/Condition.cruds"},
      {"patient/Condition.r", true, "patient/Condition.r"},
      {"user/Condition.rs", false, "user/Condition.rs"},
  }));
  const auto items =
      consent_items(offer_for(requested, patient_user, "patient/*.cruds user/*.cruds",
                              {"patient/*.cruds", "user/*.cruds"}));
  REQUIRE(items.size() == 1);
  REQUIRE(items[0].sub_items.size() == 3);
  CHECK(items[0].sub_items[0].value == first_sub + std::string(kCondition) + "encounter-diagnosis");
}

TEST_CASE("no sub-scopes for a wildcard, another type, or a scope already narrowed",
          "[authorize][consent]") {
  auto requested = GENERATE(as<std::string>{}, "patient/*.rs", "patient/Patient.rs",
                            "patient/Observation.rs?category=http://terminology.hl7.org/"
                            "CodeSystem/observation-category|laboratory",
                            "patient/Observation.rs?code=http://loinc.org|1234-5");
  CAPTURE(requested);
  const auto items = consent_items(offer_for(requested));
  REQUIRE(items.size() == 1);
  CHECK(items[0].sub_items.empty());
}

TEST_CASE("approving grants what the user ticked and the required items", "[authorize][consent]") {
  // AUTHZ-12, SCOPE-5: granted = requested ∩ client ∩ user ∩ approved.
  const Offer offer = offer_for(kGranularRequest);
  const std::string condition = "patient/Condition.rs";
  const std::string observation = "patient/Observation.rs";
  const std::string encounter_diagnosis =
      condition + std::string(kCondition) + "encounter-diagnosis";
  const std::string laboratory = observation + std::string(kObservation) + "laboratory";
  const std::string sdoh = observation + std::string(kSdoh);

  SECTION("everything ticked: the offer") {
    CHECK(granted(offer, {"offline_access", condition, observation, "patient/Patient.rs"}) ==
          "launch/patient openid fhirUser offline_access patient/Condition.rs "
          "patient/Observation.rs patient/Patient.rs");
  }
  SECTION("required items are granted without a tick; unticked ones are not") {
    // G10-3 limited access: the user denies some types; Patient stays.
    CHECK(granted(offer, {"patient/Patient.rs"}) ==
          "launch/patient openid fhirUser patient/Patient.rs");
  }
  SECTION("sub-items ticked instead of the parent: exactly those (G10-5 granular selection)") {
    CHECK(granted(offer, {encounter_diagnosis, laboratory, sdoh, "patient/Patient.rs"}) ==
          "launch/patient openid fhirUser " + encounter_diagnosis + " " + laboratory + " " + sdoh +
              " patient/Patient.rs");
  }
  SECTION("a ticked parent wins over its ticked sub-items") {
    CHECK(granted(offer, {laboratory, observation, sdoh}) ==
          "launch/patient openid fhirUser patient/Observation.rs");
  }
  SECTION("values that were not offered are ignored") {
    CHECK(granted(offer, {"patient/Patient.rs", "patient/*.cruds", "system/*.rs", "user/*.rs",
                          "online_access",
                          "patient/Patient.rs?category=http://terminology.hl7.org/CodeSystem/"
                          "observation-category|laboratory",
                          "patient/Observation.rs?category=made-up"}) ==
          "launch/patient openid fhirUser patient/Patient.rs");
  }
  SECTION("unticking every record is access_denied, though identity would remain") {
    for (const auto& ticked :
         {std::vector<std::string>{}, std::vector<std::string>{"offline_access"},
          std::vector<std::string>{"openid", "launch/patient"}}) {
      auto result = approve(offer, ticked);
      REQUIRE_FALSE(result);
      CHECK(result.error().code == ErrorCode::access_denied);
    }
  }
}

TEST_CASE("a sign-in-only app is granted its identity scopes with nothing ticked",
          "[authorize][consent]") {
  const Offer offer = offer_for("openid fhirUser profile");
  CHECK(granted(offer, {}) == "openid fhirUser");
  CHECK(granted(offer, {"profile"}) == "openid fhirUser profile");
  // Nothing required and nothing ticked: nothing to grant.
  auto profile_only = approve(offer_for("profile"), {});
  REQUIRE_FALSE(profile_only);
  CHECK(profile_only.error().code == ErrorCode::access_denied);
}

TEST_CASE("a v1 request granted as approved keeps its v1 spelling", "[authorize][consent]") {
  // SCOPE-2.
  const Offer offer = offer_for("launch/patient openid patient/Patient.read patient/Condition.read",
                                true, "launch/patient openid patient/*.read");
  CHECK(granted(offer, {"patient/Patient.read", "patient/Condition.read"}) ==
        "launch/patient openid patient/Patient.read patient/Condition.read");
  CHECK(granted(offer,
                {"patient/Patient.read", "patient/Condition.rs" + std::string(kHealthConcern)}) ==
        "launch/patient openid patient/Patient.read patient/Condition.rs" +
            std::string(kHealthConcern));
}

TEST_CASE("a remembered consent covers a request within it", "[authorize][consent]") {
  const Offer offer = offer_for(
      "launch/patient openid fhirUser patient/Patient.rs "
      "patient/Observation.rs");
  // The same scopes, or wider ones, approved before.
  CHECK(covered_by(offer,
                   "launch/patient openid fhirUser patient/Patient.rs patient/Observation.rs"));
  CHECK(covered_by(offer, "openid fhirUser patient/*.cruds"));
  // launch* needs no remembered consent (the picker or the launch answers it).
  CHECK(covered_by(offer, "openid fhirUser patient/Patient.rs patient/Observation.rs"));
  // Garbage in the remembered string allows nothing and breaks nothing.
  CHECK(covered_by(offer, "\"bad openid fhirUser patient/Observation.unknown patient/*.rs"));
  // Something new: the page is shown again.
  CHECK_FALSE(covered_by(offer, "openid patient/*.rs"));
  CHECK_FALSE(covered_by(offer, "openid fhirUser patient/Patient.rs"));
  CHECK_FALSE(covered_by(offer, "openid fhirUser patient/*.r"));
  CHECK_FALSE(covered_by(offer, ""));
  // SCOPE-5: only some categories approved before does not cover the whole type.
  CHECK_FALSE(covered_by(offer, "openid fhirUser patient/Patient.rs patient/Observation.rs" +
                                    std::string(kObservation) + "laboratory"));
}

TEST_CASE("every scope is described in plain language", "[authorize][consent]") {
  auto describe_text = [](std::string_view text, bool patient_user = true) {
    auto scope = scopes::parse_scope(text);
    REQUIRE(scope);
    return describe(*scope, patient_user);
  };
  // SCOPE-6: the wildcard says it covers kinds of records added later.
  CHECK(describe_text("patient/*.rs") ==
        "Read and search all of your health records (all kinds of records, including kinds added "
        "later)");
  CHECK(describe_text("patient/*.rs", false) ==
        "Read and search all of the patient's health records (all kinds of records, including "
        "kinds added later)");
  CHECK(describe_text("user/*.rs", false) ==
        "Read and search all kinds of records, including kinds added later, of patients you can "
        "see");
  CHECK(describe_text("user/Condition.cruds", false) ==
        "Create, read, update, delete and search Condition records of patients you can see");
  CHECK(describe_text("patient/Observation.read") == "Read and search your Observation records");
  CHECK(describe_text("patient/Observation.write") ==
        "Create, update and delete your Observation records");
  CHECK(describe_text("patient/Patient.r", false) == "Read the patient's Patient records");
  CHECK(describe_text("patient/Observation.rs" + std::string(kObservation) + "laboratory") ==
        "Read and search your Observation records: laboratory results only");
  CHECK(describe_text("patient/Observation.rs?code=http://loinc.org|1234-5") ==
        "Read and search your Observation records, only those matching "
        "code=http://loinc.org|1234-5");
  CHECK(describe_text("offline_access") ==
        "Keep access after you close the app, until you revoke it");
  CHECK(describe_text("launch/diagnosticreport").find("DiagnosticReport") != std::string::npos);
  // The one-argument form speaks to a patient.
  auto wildcard = scopes::parse_scope("patient/*.rs");
  REQUIRE(wildcard);
  CHECK(describe(*wildcard) == describe_text("patient/*.rs", true));

  // Every kind has its own words.
  std::vector<std::string> seen;
  for (std::string_view text :
       {"openid", "fhirUser", "profile", "launch", "launch/patient", "launch/encounter",
        "offline_access", "online_access", "__custom", "system/*.rs"}) {
    CAPTURE(text);
    const std::string words = describe_text(text);
    CHECK_FALSE(words.empty());
    CHECK(std::find(seen.begin(), seen.end(), words) == seen.end());
    seen.push_back(words);
  }
}

TEST_CASE("consent items describe a practitioner's patient/ scopes as the patient's",
          "[authorize][consent]") {
  const Offer offer =
      offer_for("openid patient/Observation.rs", false, "openid patient/*.rs", {"user/*.rs"});
  const auto items = consent_items(offer);
  CHECK(item_for(items, "patient/Observation.rs").description ==
        "Read and search the patient's Observation records");
  CHECK(item_for(items, "patient/Observation.rs")
            .sub_items.front()
            .description.starts_with("Read and search the patient's Observation records: "));
}

}  // namespace
}  // namespace sa::authorize
