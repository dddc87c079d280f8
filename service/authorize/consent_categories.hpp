// The US Core category sub-scopes the consent page offers under a resource-level Condition or
// Observation scope (ONC (g)(10) Certification Companion Guide, HTI-1; SMART App Launch 2.2
// "Finer-grained resource constraints"), with a plain-language label for each category. Only
// consent wording and choice: the FHIR server enforces what a granted query allows.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "scopes/scope.hpp"

namespace sa::authorize {

// The sub-scopes offered under `parent`: a patient/ or user/ Condition or Observation scope
// without a query, in any spelling. Each carries the parent's context, type and permissions, in
// v2 spelling (queries are a v2 feature), with `category=<system>|<code>` as its query. Empty for
// any other scope.
std::vector<scopes::Scope> category_scopes(const scopes::Scope& parent);

// "laboratory results" for `category=http://terminology.hl7.org/CodeSystem/observation-category|
// laboratory`, and so on for every category above; nullopt for any other query.
std::optional<std::string_view> category_label(std::string_view query);

}  // namespace sa::authorize
