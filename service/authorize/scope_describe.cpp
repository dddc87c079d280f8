// describe(): the consent page's plain-language line for each scope (declared in scope_grant.hpp).
#include <array>
#include <string>
#include <vector>

#include "authorize/consent_categories.hpp"
#include "authorize/scope_grant.hpp"
#include "scopes/resource_types.hpp"

namespace sa::authorize {
namespace {

using scopes::Context;

// SMART App Launch 2.2, Scopes: c, r, u, d, s in that order.
constexpr std::array<std::string_view, 5> kVerbs = {"create", "read", "update", "delete", "search"};

// "Create, read, update, delete and search"; "Read and search"; "Read".
std::string verbs(scopes::Permissions permissions) {
  std::vector<std::string_view> words;
  for (std::size_t i = 0; i < kVerbs.size(); ++i) {
    if (permissions & (1u << i)) words.push_back(kVerbs[i]);
  }
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
    out += words[i];
  }
  if (!out.empty()) out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

// SMART App Launch 2.2, Scopes (wildcard): `*` covers every type, now and added later, and the
// person must be told so (SCOPE-6).
constexpr std::string_view kEveryKind = "all kinds of records, including kinds added later";

// Whose records of which kind: "your Condition records", "Observation records of patients you
// can see".
std::string records(const scopes::ResourceScope& r, bool patient_user) {
  const bool every = r.type == "*";
  switch (r.context) {
    case Context::patient:
      if (patient_user) {
        return every ? "all of your health records (" + std::string(kEveryKind) + ")"
                     : "your " + r.type + " records";
      }
      return every ? "all of the patient's health records (" + std::string(kEveryKind) + ")"
                   : "the patient's " + r.type + " records";
    case Context::user:
      return (every ? std::string(kEveryKind) + "," : r.type + " records") +
             " of patients you can see";
    case Context::system:
      return (every ? std::string(kEveryKind) + "," : r.type + " records") +
             " of every patient, without anyone signed in";
  }
  return r.type + " records";
}

std::string describe_resource(const scopes::ResourceScope& r, bool patient_user) {
  std::string out = verbs(r.permissions) + " " + records(r, patient_user);
  if (r.query.empty()) return out;
  // SMART App Launch 2.2, finer-grained constraints: say which part, in words when we know it.
  if (auto label = category_label(r.query)) return out + ": " + std::string(*label) + " only";
  return out + ", only those matching " + r.query;
}

std::string describe_other(std::string_view text) {
  // SMART App Launch 2.2, Scopes for requesting context data and identity data.
  if (text == "openid") return "Confirm who you are to the app";
  if (text == "fhirUser") return "Tell the app which user record in the EHR is yours";
  if (text == "profile") return "Share your name and basic profile details";
  if (text == "launch")
    return "Use what the EHR had open when it started the app (such as the patient)";
  if (text == "launch/patient") return "Know which patient's record is open";
  if (text == "launch/encounter") return "Know which encounter (visit) is open";
  if (text == "offline_access") return "Keep access after you close the app, until you revoke it";
  if (text == "online_access") return "Keep access while you stay signed in";
  if (text.starts_with("launch/")) {
    std::string_view type = text.substr(7, text.find('?') - 7);
    auto name = scopes::r4_type_from_lowercase(type);
    return "Know which " + std::string(name ? *name : type) + " is open";
  }
  return "Other access the app asked for: " + std::string(text);
}

}  // namespace

std::string describe(const scopes::Scope& scope, bool patient_user) {
  switch (scope.kind) {
    case scopes::ScopeKind::Resource:
      return describe_resource(scope.resource, patient_user);
    case scopes::ScopeKind::Other:
    case scopes::ScopeKind::Unknown:
      return describe_other(scope.text);
  }
  return describe_other(scope.text);
}

std::string describe(const scopes::Scope& scope) { return describe(scope, true); }

}  // namespace sa::authorize
