#include "scopes/grant.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace sa::scopes {
namespace {

// grant() must not cost requested × ceiling comparisons (finding 2.2): the ceiling is indexed by
// context, type and query, so a requested scope visits only the ceiling scopes it can intersect,
// and redundancy is found by looking up the at most four buckets that could hold a broader scope.

char context_tag(Context context) {
  switch (context) {
    case Context::patient:
      return 'p';
    case Context::user:
      return 'u';
    case Context::system:
      return 's';
  }
  return 's';
}

// Keys for the indexes. '\n' never occurs in a scope token (RFC 6749 §3.3), so keys are unique.
std::string key(Context context, std::string_view type, std::string_view query) {
  std::string out(1, context_tag(context));
  out += '\n';
  out += type;
  out += '\n';
  out += query;
  return out;
}
std::string key(Context context, std::string_view type) {
  std::string out(1, context_tag(context));
  out += '\n';
  out += type;
  return out;
}
std::string query_key(Context context, std::string_view query) {
  std::string out(1, context_tag(context));
  out += '\r';  // differs from key(context, type), whose second character is '\n'
  out += query;
  return out;
}

using Positions = std::vector<std::size_t>;  // indexes into the ceiling, ascending

// The ceiling's resource scopes, without repeats of the same access (a repeat can only yield a
// candidate identical to an earlier one, which the redundancy pass would drop anyway).
class CeilingIndex {
 public:
  explicit CeilingIndex(const std::vector<Scope>& ceiling) {
    std::unordered_set<std::string> seen;
    for (std::size_t i = 0; i < ceiling.size(); ++i) {
      const Scope& c = ceiling[i];
      if (c.kind != ScopeKind::Resource) {
        others_.insert(c.text);
        continue;
      }
      const ResourceScope& r = c.resource;
      std::string access = key(r.context, r.type, r.query);
      access += '\n';
      access += static_cast<char>('0' + r.permissions);
      if (!seen.insert(std::move(access)).second) continue;
      by_type_query_[key(r.context, r.type, r.query)].push_back(i);
      by_type_[key(r.context, r.type)].push_back(i);
      by_query_[query_key(r.context, r.query)].push_back(i);
      by_context_[context_tag(r.context)].push_back(i);
    }
  }

  bool has_other(const std::string& text) const { return others_.contains(text); }

  // Every ceiling scope `want` could intersect with (same context; `*` or the same type; no query
  // or the same query), in ceiling order. The lists gathered are disjoint.
  Positions candidates_for(const ResourceScope& want) const {
    Positions out;
    const bool any_type = want.type == "*";
    const bool any_query = want.query.empty();
    if (any_type && any_query) {
      append(out, by_context_, context_tag(want.context));
    } else if (any_type) {
      append(out, by_query_, query_key(want.context, want.query));
      append(out, by_query_, query_key(want.context, ""));
    } else if (any_query) {
      append(out, by_type_, key(want.context, want.type));
      append(out, by_type_, key(want.context, "*"));
    } else {
      for (std::string_view type : {std::string_view(want.type), std::string_view("*")}) {
        append(out, by_type_query_, key(want.context, type, want.query));
        append(out, by_type_query_, key(want.context, type, ""));
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  template <typename Map>
  static void append(Positions& out, const Map& map, const typename Map::key_type& k) {
    auto it = map.find(k);
    if (it != map.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }

  std::unordered_set<std::string> others_;
  std::unordered_map<std::string, Positions> by_type_query_;
  std::unordered_map<std::string, Positions> by_type_;
  std::unordered_map<std::string, Positions> by_query_;
  std::unordered_map<char, Positions> by_context_;
};

// Which permission sets occur among the candidates, per (context, type, query): bit p is set
// when a candidate with exactly permissions p exists. Permissions are 5 bits, so 32 sets.
class AccessIndex {
 public:
  void add(const ResourceScope& r) {
    present_[key(r.context, r.type, r.query)] |= std::uint32_t{1} << r.permissions;
  }

  // True when some candidate allows everything `s` does and more (subsumes it without being the
  // same access): one with the same or no query, of the same type or `*`, with a superset of
  // the permissions.
  bool strictly_covered(const ResourceScope& s) const {
    for (std::string_view type : {std::string_view(s.type), std::string_view("*")}) {
      for (std::string_view query : {std::string_view(s.query), std::string_view()}) {
        auto it = present_.find(key(s.context, type, query));
        if (it == present_.end()) continue;
        const bool same_bucket = type == s.type && query == s.query;
        for (std::uint32_t p = 1; p < 32; ++p) {
          if ((it->second & (std::uint32_t{1} << p)) == 0) continue;
          if ((p & s.permissions) != s.permissions) continue;
          if (same_bucket && p == s.permissions) continue;  // that is s itself
          return true;
        }
      }
    }
    return false;
  }

 private:
  std::unordered_map<std::string, std::uint32_t> present_;
};

}  // namespace

std::optional<ResourceScope> intersect(const ResourceScope& a, const ResourceScope& b) {
  if (a.context != b.context) return std::nullopt;
  // SMART App Launch 2.2, Scopes (wildcard): `*` means every type, so it narrows to the other
  // side's type.
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
  // SMART App Launch 2.2, finer-grained constraints: a query constraint only narrows; two
  // different constraints are not combined.
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

// SMART App Launch 2.2, Scopes (scopes only delegate) and Backend Services (pre-authorized
// policy): granted = requested ∩ ceiling, never more than either.
std::vector<Scope> grant(const std::vector<Scope>& requested, const std::vector<Scope>& ceiling) {
  const CeilingIndex index(ceiling);
  // Candidates in request order and, for one requested scope, in ceiling order.
  std::vector<Scope> candidates;
  for (const Scope& want : requested) {
    if (want.kind != ScopeKind::Resource) {
      // Granted non-resource scopes are echoed exactly as requested (the ONC g10 kit checks
      // for openid, fhirUser, launch and offline_access in the returned scope).
      if (index.has_other(want.text)) candidates.push_back(want);
      continue;
    }
    for (std::size_t i : index.candidates_for(want.resource)) {
      if (auto both = intersect(want.resource, ceiling[i].resource)) {
        candidates.push_back(make_scope(std::move(*both)));
      }
    }
  }

  // Drop duplicates (keeping the first) and anything a broader candidate already covers.
  AccessIndex accesses;
  for (const Scope& c : candidates) {
    if (c.kind == ScopeKind::Resource) accesses.add(c.resource);
  }
  std::unordered_set<std::string> kept;  // the access (or text) of every scope kept so far
  std::vector<Scope> granted;
  for (Scope& c : candidates) {
    if (c.kind != ScopeKind::Resource) {
      if (kept.insert("\r" + c.text).second) granted.push_back(std::move(c));
      continue;
    }
    const ResourceScope& r = c.resource;
    if (accesses.strictly_covered(r)) continue;
    std::string access = key(r.context, r.type, r.query);
    access += '\n';
    access += static_cast<char>('0' + r.permissions);
    if (kept.insert(std::move(access)).second) granted.push_back(std::move(c));
  }
  return granted;
}

}  // namespace sa::scopes
