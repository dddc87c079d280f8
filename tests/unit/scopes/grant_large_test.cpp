// grant() on the largest inputs parse_scope_string allows (finding 2.2), checked against the
// plain pairwise definition kept here as the oracle. Speed is bench/'s business, not this file's.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "scopes/grant.hpp"

namespace sa::scopes {
namespace {

// The definition grant() implements, written the obvious quadratic way: every requested scope
// intersected with every ceiling scope, then each candidate dropped if another candidate strictly
// subsumes it or an identical one came first.
std::vector<Scope> reference_grant(const std::vector<Scope>& requested,
                                   const std::vector<Scope>& ceiling) {
  std::vector<Scope> candidates;
  for (const Scope& want : requested) {
    if (want.kind != ScopeKind::Resource) {
      for (const Scope& c : ceiling) {
        if (c.kind != ScopeKind::Resource && c.text == want.text) {
          candidates.push_back(want);
          break;
        }
      }
      continue;
    }
    for (const Scope& allowed : ceiling) {
      if (allowed.kind != ScopeKind::Resource) continue;
      if (auto both = intersect(want.resource, allowed.resource)) {
        candidates.push_back(make_scope(std::move(*both)));
      }
    }
  }
  auto same = [](const ResourceScope& a, const ResourceScope& b) {
    return subsumes(a, b) && subsumes(b, a);
  };
  std::vector<Scope> granted;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    bool redundant = false;
    for (std::size_t j = 0; j < candidates.size() && !redundant; ++j) {
      if (j == i || candidates[j].kind != candidates[i].kind) continue;
      if (candidates[i].kind != ScopeKind::Resource) {
        redundant = j < i && candidates[j].text == candidates[i].text;
      } else if (subsumes(candidates[j].resource, candidates[i].resource)) {
        redundant = !same(candidates[j].resource, candidates[i].resource) || j < i;
      }
    }
    if (!redundant) granted.push_back(candidates[i]);
  }
  return granted;
}

std::vector<Scope> parsed(const std::string& text) {
  auto scopes = parse_scope_string(text);
  INFO(text);
  REQUIRE(scopes);
  return *scopes;
}

// `count` scope tokens drawn from a small vocabulary, so that types, wildcards, queries and
// permissions collide often.
std::string random_scope_string(std::mt19937& rng, std::size_t count) {
  static const std::vector<std::string> kContexts = {"system", "patient", "user"};
  static const std::vector<std::string> kTypes = {"*", "Patient", "Observation", "Encounter"};
  static const std::vector<std::string> kPerms = {"c",  "r",    "rs",    "cruds", "cu",
                                                  "ds", "read", "write", "*",     "s"};
  static const std::vector<std::string> kQueries = {"", "", "?a=1", "?a=2", "?category=lab"};
  static const std::vector<std::string> kOthers = {"openid", "fhirUser", "launch", "__x"};
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (!out.empty()) out += ' ';
    auto pick = [&](const std::vector<std::string>& from) {
      return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
    };
    if (std::uniform_int_distribution<int>(0, 9)(rng) == 0) {
      out += pick(kOthers);
    } else {
      out += pick(kContexts) + "/" + pick(kTypes) + "." + pick(kPerms) + pick(kQueries);
    }
  }
  return out;
}

TEST_CASE("grant over 100 requested and 100 ceiling scopes with queries is the pairwise result",
          "[scopes][grant]") {
  // Finding 2.2: 100 query-filtered requests against 100 wildcard and typed ceiling scopes.
  std::string requested, ceiling;
  for (int i = 0; i < 100; ++i) {
    if (i > 0) {
      requested += ' ';
      ceiling += ' ';
    }
    requested += "system/Patient.r?a=" + std::to_string(i);
    ceiling += i % 2 == 0 ? "system/*.rs" : "system/Patient.cruds?a=" + std::to_string(i);
  }
  const auto want = parsed(requested);
  const auto allowed = parsed(ceiling);
  REQUIRE(want.size() == kMaxScopeTokens);
  REQUIRE(allowed.size() == kMaxScopeTokens);
  const auto granted = grant(want, allowed);
  // Every request is within `system/*.rs`, so each is granted once, as asked, in order.
  CHECK(join(granted) == requested);
  CHECK(join(granted) == join(reference_grant(want, allowed)));
}

TEST_CASE("grant over random 100-scope inputs agrees with the pairwise definition",
          "[scopes][grant]") {
  std::mt19937 rng(20261129);
  for (int round = 0; round < 200; ++round) {
    const std::size_t n =
        round < 20 ? kMaxScopeTokens : std::uniform_int_distribution<std::size_t>(1, 30)(rng);
    const std::size_t m =
        round < 20 ? kMaxScopeTokens : std::uniform_int_distribution<std::size_t>(1, 30)(rng);
    const std::string requested = random_scope_string(rng, n);
    const std::string ceiling = random_scope_string(rng, m);
    INFO(requested << " ∩ " << ceiling);
    const auto want = parsed(requested);
    const auto allowed = parsed(ceiling);
    CHECK(join(grant(want, allowed)) == join(reference_grant(want, allowed)));
  }
}

}  // namespace
}  // namespace sa::scopes
