#include "scopes/grant.hpp"

#include <algorithm>
#include <cstddef>

namespace sa::scopes {
namespace {

bool same_access(const ResourceScope& a, const ResourceScope& b) {
  return a.context == b.context && a.type == b.type && a.permissions == b.permissions &&
         a.query == b.query;
}

bool in_ceiling(const Scope& scope, const std::vector<Scope>& ceiling) {
  return std::any_of(ceiling.begin(), ceiling.end(), [&](const Scope& c) {
    return c.kind != ScopeKind::Resource && c.text == scope.text;
  });
}

}  // namespace

std::optional<ResourceScope> intersect(const ResourceScope& a, const ResourceScope& b) {
  if (a.context != b.context) return std::nullopt;
  // SCOPE-6: `*` means every type, so it narrows to the other side's type.
  std::string type;
  if (a.type == "*") {
    type = b.type;
  } else if (b.type == "*" || b.type == a.type) {
    type = a.type;
  } else {
    return std::nullopt;
  }
  Permissions permissions = a.permissions & b.permissions;
  if (permissions == 0) return std::nullopt;
  // SCOPE-4: a query constraint only narrows; two different constraints are not combined.
  std::string query;
  if (a.query.empty() || a.query == b.query) {
    query = b.query;
  } else if (b.query.empty()) {
    query = a.query;
  } else {
    return std::nullopt;
  }
  return ResourceScope{.context = a.context,
                       .type = std::move(type),
                       .permissions = permissions,
                       .query = std::move(query),
                       .syntax = a.syntax};
}

bool subsumes(const ResourceScope& wide, const ResourceScope& narrow) {
  return wide.context == narrow.context && (wide.type == "*" || wide.type == narrow.type) &&
         (wide.permissions & narrow.permissions) == narrow.permissions &&
         (wide.query.empty() || wide.query == narrow.query);
}

// SCOPE-10 / BACKEND-3: granted = requested ∩ ceiling, never more than either.
std::vector<Scope> grant(const std::vector<Scope>& requested, const std::vector<Scope>& ceiling) {
  std::vector<Scope> candidates;
  for (const Scope& want : requested) {
    if (want.kind != ScopeKind::Resource) {
      // SCOPE-8: granted non-resource scopes are echoed exactly as requested.
      if (in_ceiling(want, ceiling)) candidates.push_back(want);
      continue;
    }
    for (const Scope& allowed : ceiling) {
      if (allowed.kind != ScopeKind::Resource) continue;
      if (auto both = intersect(want.resource, allowed.resource)) {
        candidates.push_back(make_scope(std::move(*both)));
      }
    }
  }

  // Drop duplicates (keeping the first) and anything a broader granted scope already covers.
  auto redundant = [&](std::size_t i) {
    const Scope& s = candidates[i];
    for (std::size_t j = 0; j < candidates.size(); ++j) {
      if (j == i || candidates[j].kind != s.kind) continue;
      if (s.kind != ScopeKind::Resource) {
        if (j < i && candidates[j].text == s.text) return true;
        continue;
      }
      const ResourceScope& other = candidates[j].resource;
      if (!subsumes(other, s.resource)) continue;
      if (!same_access(other, s.resource) || j < i) return true;
    }
    return false;
  };
  std::vector<Scope> granted;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (!redundant(i)) granted.push_back(candidates[i]);
  }
  return granted;
}

}  // namespace sa::scopes
