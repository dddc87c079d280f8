#include "authorize/consent_categories.hpp"

#include <array>
#include <string>

namespace sa::authorize {
namespace {

struct Category {
  std::string_view type;    // Condition or Observation
  std::string_view coding;  // <system>|<code>, as US Core searches it
  std::string_view label;
};

// SPEC-CHECKLIST SCOPE-4/5, G10-5. ONC (g)(10) asks for Condition: Encounter Diagnosis, Problem
// List, Health Concern; Observation: Clinical Test, Laboratory, Social History, SDOH, Survey,
// Vital Signs. Clinical Test is US Core 5's us-core-observation-category|clinical-test and, from
// US Core 6 on, a clinical result observation with category procedure (or imaging); the other
// observation-category codes are offered too so a person can choose among every kind US Core
// uses. The codings are the exact strings the g10 kit requests.
constexpr std::array<Category, 14> kCategories = {{
    {"Condition", "http://terminology.hl7.org/CodeSystem/condition-category|encounter-diagnosis",
     "encounter diagnoses"},
    {"Condition", "http://terminology.hl7.org/CodeSystem/condition-category|problem-list-item",
     "the problem list"},
    {"Condition", "http://hl7.org/fhir/us/core/CodeSystem/condition-category|health-concern",
     "health concerns"},
    {"Observation", "http://terminology.hl7.org/CodeSystem/observation-category|laboratory",
     "laboratory results"},
    {"Observation", "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs",
     "vital signs"},
    {"Observation", "http://terminology.hl7.org/CodeSystem/observation-category|social-history",
     "social history"},
    {"Observation", "http://terminology.hl7.org/CodeSystem/observation-category|survey",
     "surveys and questionnaires"},
    {"Observation", "http://hl7.org/fhir/us/core/CodeSystem/us-core-category|sdoh",
     "social determinants of health (SDOH)"},
    {"Observation",
     "http://hl7.org/fhir/us/core/CodeSystem/us-core-observation-category|clinical-test",
     "clinical test results"},
    {"Observation", "http://terminology.hl7.org/CodeSystem/observation-category|procedure",
     "procedure results"},
    {"Observation", "http://terminology.hl7.org/CodeSystem/observation-category|imaging",
     "imaging results"},
    {"Observation", "http://terminology.hl7.org/CodeSystem/observation-category|exam",
     "physical exam findings"},
    {"Observation", "http://terminology.hl7.org/CodeSystem/observation-category|therapy",
     "therapy observations"},
    {"Observation", "http://terminology.hl7.org/CodeSystem/observation-category|activity",
     "physical activity"},
}};

constexpr std::string_view kCategoryParam = "category=";

}  // namespace

std::vector<scopes::Scope> category_scopes(const scopes::Scope& parent) {
  std::vector<scopes::Scope> out;
  if (parent.kind != scopes::ScopeKind::Resource) return out;
  const scopes::ResourceScope& r = parent.resource;
  if (r.context == scopes::Context::system || !r.query.empty()) return out;
  for (const Category& category : kCategories) {
    if (category.type != r.type) continue;
    scopes::ResourceScope sub = r;
    sub.syntax = scopes::Syntax::v2;  // SMART App Launch 2.2: query constraints are v2 syntax
    sub.query = std::string(kCategoryParam) + std::string(category.coding);
    out.push_back(scopes::make_scope(std::move(sub)));
  }
  return out;
}

std::optional<std::string_view> category_label(std::string_view query) {
  if (!query.starts_with(kCategoryParam)) return std::nullopt;
  query.remove_prefix(kCategoryParam.size());
  for (const Category& category : kCategories) {
    if (category.coding == query) return category.label;
  }
  return std::nullopt;
}

}  // namespace sa::authorize
