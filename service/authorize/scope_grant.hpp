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
  std::string_view requested;                   // the request's scope parameter
  std::string_view client_scope;                // the client's registered scope (its ceiling)
  const std::vector<std::string>& user_scopes;  // the user's ceiling from the directory
  bool patient_user = false;  // fhirUser is a Patient: never user/ or system/ scopes
  bool ehr_launch = false;    // a launch parameter came with the request
};

// Requested scopes that survive the three ceilings, before the user's choice.
struct Offer {
  std::vector<scopes::Scope> scopes;  // in request order, spelt as requested (v1/v2 kept)
  std::vector<std::string> dropped;   // requested tokens not offered, each "token: reason" (audit)
  bool needs_patient = false;         // standalone launch/patient: the patient must be chosen
  bool needs_encounter = false;       // standalone launch/encounter: the encounter must be chosen
  bool patient_user = false;          // as in the request: the consent page says "your" records
};

// Unknown or malformed scopes, and scopes beyond a ceiling, are dropped (and listed in
// `dropped`), token by token, so one bad token never fails the request. A request over
// scopes::kMaxScopeTokens tokens or kMaxScopeBytes bytes is invalid_scope, and so is an offer
// with neither a resource scope nor an identity scope (openid, fhirUser, profile) left: context
// scopes alone grant nothing. system/ is never offered through authorize; a patient user is
// never offered user/. The user's ceiling is the directory's list; a user/ scope in it also
// bounds the patient/ scopes of the same type (a patient in context is one the user may see).
// The `launch` scope without a launch parameter is invalid_scope (SMART App Launch 2.2: `launch`
// is for the EHR launch only), and so is an EHR launch whose offer lacks `launch` (requested and
// registered); in an EHR launch, launch/patient and launch/encounter are hints answered from the
// launch. Identity and context scopes (openid, fhirUser, profile, launch, launch/patient,
// launch/encounter, offline_access, online_access) pass when both client and request carry
// them: the user's ceiling does not limit them.
Expected<Offer, RedirectError> offer_scopes(const ScopeRequest& request);

// One line of the consent page, one per offered scope in offer order. `value` is what the form
// sends back when ticked.
struct ConsentItem {
  std::string value;        // a scope string, e.g. "patient/Observation.rs"
  std::string description;  // plain language: "Read and search your Observation records"
  bool required = false;    // launch*, openid (and fhirUser): shown, always granted, no checkbox
  // Granular alternatives (US Core categories) offered for a patient/ or user/ Condition or
  // Observation scope without a query, in any v1 or v2 spelling (ONC (g)(10), SMART App Launch 2.2
  // finer-grained constraints): each is the parent's permissions in v2 spelling plus
  // `?category=<system>|<code>`; ticking some of these instead of the parent grants exactly those.
  std::vector<ConsentItem> sub_items;
};
std::vector<ConsentItem> consent_items(const Offer& offer);

// The scopes granted when the user approved `ticked` (values of consent_items(), sub-items
// included), in offer order: required items always, ticked items only if offered, a ticked
// parent wins over its sub-items, ticked sub-items of an unticked parent grant exactly those.
// Values that were not offered are ignored. access_denied when the user approved no resource
// scope of an offer that had some (unticking everything is a denial, even though the required
// identity and launch scopes would remain), or when nothing at all would be granted. An offer
// with no resource scope (sign-in only: openid fhirUser) grants its required scopes.
Expected<std::vector<scopes::Scope>, RedirectError> approve(const Offer& offer,
                                                            const std::vector<std::string>& ticked);

// True when every scope of the offer is within `approved_before` (a remembered consent), so
// the consent page may be skipped: a resource scope when an approved one subsumes it, any other
// scope when the identical token was approved. launch and launch/* are not the user's choice
// (the launch or the picker answers them) and need no remembered consent. Unparseable tokens in
// `approved_before` are ignored.
bool covered_by(const Offer& offer, std::string_view approved_before);

// Plain-language description of one scope for the consent page, addressed to a patient
// ("your records"); the wildcard type says it covers kinds of records added later (SMART App
// Launch 2.2, Scopes: wildcard). The second form addresses a practitioner when patient_user is
// false ("the patient's records").
std::string describe(const scopes::Scope& scope);
std::string describe(const scopes::Scope& scope, bool patient_user);

}  // namespace sa::authorize
