// What an authorization may grant (SMART App Launch 2.2 "Scopes and Launch Context"): granted =
// requested ∩ the client's registered scope ∩ the user's ceiling from the directory ∩ what the
// user approves on the consent page. Pure functions over scope strings; the consent page shows
// consent_items() and the answer goes through approve().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "authorize/request.hpp"
#include "scopes/scope.hpp"
#include "util/expected.hpp"

namespace sa::authorize {

struct ScopeRequest {
  std::string_view requested;                 // the request's scope parameter
  std::string_view client_scope;              // the client's registered scope (its ceiling)
  const std::vector<std::string>& user_scopes;  // the user's ceiling from the directory
  bool patient_user = false;  // fhirUser is a Patient: never user/ or system/ scopes
  bool ehr_launch = false;    // a launch parameter came with the request
};

// Requested scopes that survive the three ceilings, before the user's choice.
struct Offer {
  std::vector<scopes::Scope> scopes;  // in request order, spelt as requested (v1/v2 kept)
  std::vector<std::string> dropped;   // requested tokens not offered, each "token: reason" (audit)
  bool needs_patient = false;    // standalone launch/patient: the patient must be chosen
  bool needs_encounter = false;  // standalone launch/encounter: the encounter must be chosen
};

// Unknown or malformed scopes, and scopes beyond a ceiling, are dropped (and listed in
// `dropped`); nothing grantable left is invalid_scope. system/ is never offered through
// authorize; a patient user is never offered user/. The `launch` scope without a launch
// parameter is invalid_scope (SMART App Launch 2.2: `launch` is for the EHR launch only); in an
// EHR launch, launch/patient and launch/encounter are hints answered from the launch. Identity and context
// scopes (openid, fhirUser, profile, launch, launch/patient, launch/encounter, offline_access,
// online_access) pass when both client and request carry them: the user's ceiling does not
// limit them.
Expected<Offer, RedirectError> offer_scopes(const ScopeRequest& request);

// One line of the consent page. `value` is what the form sends back when ticked.
struct ConsentItem {
  std::string value;        // a scope string, e.g. "patient/Observation.rs"
  std::string description;  // plain language: "Read and search your observations"
  bool required = false;    // launch*, openid (and fhirUser): shown, always granted, no checkbox
  // Granular alternatives (US Core categories) offered for patient/Condition.rs and
  // patient/Observation.rs (ONC (g)(10)): ticking some of these instead of the parent grants
  // exactly those.
  std::vector<ConsentItem> sub_items;
};
std::vector<ConsentItem> consent_items(const Offer& offer);

// The scopes granted when the user approved `ticked` (values of consent_items(), sub-items
// included): required items always, ticked items only if offered, a ticked parent wins over its
// sub-items. Values that were not offered are ignored. No resource scope left is access_denied.
Expected<std::vector<scopes::Scope>, RedirectError> approve(const Offer& offer,
                                                           const std::vector<std::string>& ticked);

// True when every scope of the offer is within `approved_before` (a remembered consent), so
// the consent page may be skipped.
bool covered_by(const Offer& offer, std::string_view approved_before);

// Plain-language description of one scope for the consent page.
std::string describe(const scopes::Scope& scope);

}  // namespace sa::authorize
