#include "authorize/scope_grant.hpp"

#include <algorithm>
#include <array>
#include <unordered_set>
#include <utility>

#include "authorize/consent_categories.hpp"
#include "scopes/grant.hpp"
#include "util/strings.hpp"

namespace sa::authorize {
namespace {

using oauth::ErrorCode;
using scopes::Scope;
using scopes::ScopeKind;

// SMART App Launch 2.2, Scopes for requesting identity data.
constexpr std::array<std::string_view, 3> kIdentityScopes = {"openid", "fhirUser", "profile"};

bool is_identity(const Scope& scope) {
  return scope.kind == ScopeKind::Other && std::find(kIdentityScopes.begin(), kIdentityScopes.end(),
                                                     scope.text) != kIdentityScopes.end();
}

bool is_launch(const Scope& scope) {
  return scope.kind == ScopeKind::Other &&
         (scope.text == "launch" || std::string_view(scope.text).starts_with("launch/"));
}

// Shown on the consent page without a checkbox: the app cannot work without them, and the user
// answers them elsewhere (the launch, the picker, the login).
bool is_required(const Scope& scope) {
  return is_launch(scope) ||
         (scope.kind == ScopeKind::Other && (scope.text == "openid" || scope.text == "fhirUser"));
}

bool has_text(const std::vector<Scope>& list, std::string_view text) {
  return std::any_of(list.begin(), list.end(), [&](const Scope& s) {
    return s.kind != ScopeKind::Resource && s.text == text;
  });
}

bool has_resource(const std::vector<Scope>& list) {
  return std::any_of(list.begin(), list.end(),
                     [](const Scope& s) { return s.kind == ScopeKind::Resource; });
}

// The scopes of a space-separated ceiling that parse; anything else in it allows nothing. The
// registration and the config already refuse malformed scope strings, so this only shields the
// grant from a directory that returns nonsense.
void append_ceiling(std::string_view text, std::vector<Scope>& out) {
  for (std::string_view token : split(text, ' ')) {
    if (token.empty()) continue;
    if (auto scope = scopes::parse_scope(token)) out.push_back(std::move(*scope));
  }
}

// The user's ceiling. SMART App Launch 2.2, Scopes: patient/ scopes are the user/ access narrowed
// to the patient in context, and the directory only offers patients this user may open; so a
// user/ scope in the ceiling also allows the patient/ scope of the same type, permissions and
// query.
std::vector<Scope> user_ceiling(const std::vector<std::string>& user_scopes) {
  std::vector<Scope> out;
  for (const std::string& text : user_scopes) append_ceiling(text, out);
  const std::size_t own = out.size();
  for (std::size_t i = 0; i < own; ++i) {
    if (out[i].kind != ScopeKind::Resource || out[i].resource.context != scopes::Context::user) {
      continue;
    }
    scopes::ResourceScope as_patient = out[i].resource;
    as_patient.context = scopes::Context::patient;
    out.push_back(scopes::make_scope(std::move(as_patient)));
  }
  return out;
}

RedirectError invalid_scope(std::string description, std::string internal = {}) {
  return RedirectError{ErrorCode::invalid_scope, std::move(description), std::move(internal)};
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += "; ";
    out += line;
  }
  return out;
}

}  // namespace

Expected<Offer, RedirectError> offer_scopes(const ScopeRequest& request) {
  const std::string_view requested = request.requested;
  if (requested.empty()) return unexpected(invalid_scope("scope is required"));
  // Bounded before anything is split or parsed, as scopes::parse_scope_string does.
  if (requested.size() > scopes::kMaxScopeBytes) {
    return unexpected(invalid_scope("scope is too long (at most " +
                                    std::to_string(scopes::kMaxScopeBytes) + " bytes)"));
  }
  if (static_cast<std::size_t>(std::count(requested.begin(), requested.end(), ' ')) + 1 >
      scopes::kMaxScopeTokens) {
    return unexpected(
        invalid_scope("too many scopes (at most " + std::to_string(scopes::kMaxScopeTokens) + ")"));
  }

  Offer offer;
  offer.patient_user = request.patient_user;
  // The request's scopes that may be offered at all, in request order, each once.
  std::vector<Scope> wanted;
  std::unordered_set<std::string_view> seen;
  // RFC 6749 §3.3 separates tokens by one space; a doubled space only makes an empty token, which
  // is skipped rather than failing the request.
  for (std::string_view token : split(requested, ' ')) {
    if (token.empty() || !seen.insert(token).second) continue;
    auto parsed = scopes::parse_scope(token);
    // SMART App Launch 2.2, Scopes: a server may ignore scopes it does not understand; dropping
    // one bad token keeps the rest of the request (g10 #563: whole-request failures strand apps).
    if (!parsed) {
      offer.dropped.push_back(parsed.error().message());
      continue;
    }
    Scope& scope = *parsed;
    if (scope.kind == ScopeKind::Unknown) {
      offer.dropped.push_back(scope.text + ": not a scope this server grants");
      continue;
    }
    if (scope.kind == ScopeKind::Resource) {
      // SMART App Launch 2.2, Backend Services: system/ scopes are for client_credentials only.
      if (scope.resource.context == scopes::Context::system) {
        offer.dropped.push_back(scope.text + ": system/ scopes are not granted to a user's app");
        continue;
      }
      if (request.patient_user && scope.resource.context == scopes::Context::user) {
        offer.dropped.push_back(scope.text + ": user/ scopes are not granted to a patient");
        continue;
      }
    }
    // SMART App Launch 2.2, Scopes and Launch Context: `launch` asks for the context of an EHR
    // launch, so it needs the launch parameter.
    if (scope.kind == ScopeKind::Other && scope.text == "launch" && !request.ehr_launch) {
      return unexpected(invalid_scope("the launch scope needs a launch parameter (EHR launch)"));
    }
    wanted.push_back(std::move(scope));
  }

  std::vector<Scope> client;
  append_ceiling(request.client_scope, client);
  std::vector<Scope> user = user_ceiling(request.user_scopes);
  // Identity and context scopes are the client's to ask for: the user's ceiling lists data access.
  for (const Scope& scope : wanted) {
    if (scope.kind == ScopeKind::Other) user.push_back(scope);
  }

  // Why each dropped scope went (audit only; the app sees the granted scope).
  for (const Scope& scope : wanted) {
    const std::vector<Scope> one{scope};
    auto within_client = scopes::grant(one, client);
    if (within_client.empty()) {
      offer.dropped.push_back(scope.text + ": not in the client's registered scope");
    } else if (scopes::grant(within_client, user).empty()) {
      offer.dropped.push_back(scope.text + ": beyond what this user may share");
    }
  }
  // SMART App Launch 2.2, Scopes: granted = requested ∩ client ∩ user (scopes only narrow), in
  // request order and spelling (v1 stays v1, v2 factored as .rs).
  offer.scopes = scopes::grant(scopes::grant(wanted, client), user);

  const bool has_launch = has_text(offer.scopes, "launch");
  if (request.ehr_launch && !has_launch) {
    // SMART App Launch 2.2, EHR launch: the app asks for `launch` along with the launch parameter.
    return unexpected(invalid_scope(
        "an EHR launch needs the launch scope, requested and registered for this client",
        "dropped: " + joined(offer.dropped)));
  }
  const bool grants_something =
      has_resource(offer.scopes) || std::any_of(offer.scopes.begin(), offer.scopes.end(),
                                                [](const Scope& s) { return is_identity(s); });
  if (!grants_something) {
    return unexpected(invalid_scope("none of the requested scopes can be granted",
                                    "dropped: " + joined(offer.dropped)));
  }
  // In an EHR launch the launch answers launch/patient and launch/encounter (SMART App Launch 2.2:
  // they are hints there); standalone, the user picks.
  offer.needs_patient = !request.ehr_launch && has_text(offer.scopes, "launch/patient");
  offer.needs_encounter = !request.ehr_launch && has_text(offer.scopes, "launch/encounter");
  return offer;
}

std::vector<ConsentItem> consent_items(const Offer& offer) {
  std::vector<ConsentItem> items;
  items.reserve(offer.scopes.size());
  for (const Scope& scope : offer.scopes) {
    ConsentItem item{.value = scopes::to_string(scope),
                     .description = describe(scope, offer.patient_user),
                     .required = is_required(scope),
                     .sub_items = {}};
    for (const Scope& sub : category_scopes(scope)) {
      item.sub_items.push_back(ConsentItem{.value = scopes::to_string(sub),
                                           .description = describe(sub, offer.patient_user),
                                           .required = false,
                                           .sub_items = {}});
    }
    items.push_back(std::move(item));
  }
  return items;
}

Expected<std::vector<Scope>, RedirectError> approve(const Offer& offer,
                                                    const std::vector<std::string>& ticked) {
  const std::unordered_set<std::string_view> chosen(ticked.begin(), ticked.end());
  std::vector<Scope> granted;
  for (const Scope& scope : offer.scopes) {
    if (is_required(scope) || chosen.contains(scopes::to_string(scope))) {
      granted.push_back(scope);  // a ticked parent wins over any of its sub-items
      continue;
    }
    // ONC (g)(10) granular selection: the sub-items ticked instead of the parent, exactly.
    for (Scope& sub : category_scopes(scope)) {
      if (chosen.contains(scopes::to_string(sub))) granted.push_back(std::move(sub));
    }
  }
  // RFC 6749 §4.1.2.1: the resource owner denied the request. An app that asked for records and
  // got none has been refused, whatever identity scopes would remain.
  if (granted.empty() || (has_resource(offer.scopes) && !has_resource(granted))) {
    return unexpected(RedirectError{ErrorCode::access_denied,
                                    "the user did not approve the requested access",
                                    "consent: nothing approved"});
  }
  return granted;
}

bool covered_by(const Offer& offer, std::string_view approved_before) {
  std::vector<Scope> approved;
  append_ceiling(approved_before, approved);
  return std::all_of(offer.scopes.begin(), offer.scopes.end(), [&](const Scope& scope) {
    if (is_launch(scope)) return true;
    if (scope.kind != ScopeKind::Resource) return has_text(approved, scope.text);
    return std::any_of(approved.begin(), approved.end(), [&](const Scope& a) {
      return a.kind == ScopeKind::Resource && scopes::subsumes(a.resource, scope.resource);
    });
  });
}

}  // namespace sa::authorize
