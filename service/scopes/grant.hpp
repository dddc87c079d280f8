// What a client may actually get: the requested scopes intersected with a ceiling (the client's
// registered scope, later also the user's choice and permissions). Scopes only ever narrow
// (SMART App Launch 2.2, Scopes: scopes only delegate; Backend Services: the client's
// pre-authorized policy). Pure functions over parsed scopes; no policy about which kinds a grant
// type accepts (client_credentials rejecting non-system scopes is the grant's business).
#pragma once

#include <optional>
#include <vector>

#include "scopes/scope.hpp"

namespace sa::scopes {

// The access both allow, or nullopt: same context; `*` ∩ T = T; permissions ANDed and
// non-empty; no query ∩ q = q, equal queries stay, different queries give nothing.
// The result carries a's syntax.
std::optional<ResourceScope> intersect(const ResourceScope& a, const ResourceScope& b);

// True when `wide` allows everything `narrow` does (same context, type `*` or equal, permissions
// a superset, query absent or equal).
bool subsumes(const ResourceScope& wide, const ResourceScope& narrow);

// Each requested resource scope intersected with each ceiling resource scope; a non-resource
// scope (Other or Unknown) kept iff the identical token is in the ceiling. The result has no
// duplicates and no scope subsumed by another, follows the request's order, and keeps the
// request's v1/v2 spelling where the permissions allow it.
std::vector<Scope> grant(const std::vector<Scope>& requested, const std::vector<Scope>& ceiling);

}  // namespace sa::scopes
