#include "scopes/scope.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <tuple>

namespace sa::scopes {
namespace {

Scope parsed(std::string_view token) {
  auto scope = parse_scope(token);
  INFO(token);
  REQUIRE(scope);
  return *scope;
}

TEST_CASE("valid resource scopes parse into context, type, permissions and query", "[scopes]") {
  using Row = std::tuple<std::string, Context, std::string, Permissions, std::string, Syntax>;
  auto [token, context, type, perms, query, syntax] =
      GENERATE(table<std::string, Context, std::string, Permissions, std::string, Syntax>({
          // SCOPE-1: v2 subsets of cruds, in order.
          Row{"system/*.rs", Context::system, "*", kRead | kSearch, "", Syntax::v2},
          Row{"patient/Observation.rs", Context::patient, "Observation", kV1Read, "", Syntax::v2},
          Row{"user/Patient.cruds", Context::user, "Patient", kAllPermissions, "", Syntax::v2},
          Row{"patient/Patient.c", Context::patient, "Patient", kCreate, "", Syntax::v2},
          Row{"patient/Patient.rud", Context::patient, "Patient", kRead | kUpdate | kDelete, "",
              Syntax::v2},
          Row{"system/Patient.r", Context::system, "Patient", kRead, "", Syntax::v2},
          // SCOPE-2 / BACKEND-4: v1 names.
          Row{"system/*.read", Context::system, "*", kV1Read, "", Syntax::v1},
          Row{"user/Observation.write", Context::user, "Observation", kV1Write, "", Syntax::v1},
          Row{"patient/*.*", Context::patient, "*", kAllPermissions, "", Syntax::v1},
          // SCOPE-4: category queries with `|` and `:` kept verbatim.
          Row{"patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/"
              "observation-category|laboratory",
              Context::patient, "Observation", kV1Read,
              "category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory",
              Syntax::v2},
          Row{"patient/Condition.rs?category=http://hl7.org/fhir/us/core/CodeSystem/"
              "condition-category|health-concern",
              Context::patient, "Condition", kV1Read,
              "category=http://hl7.org/fhir/us/core/CodeSystem/condition-category|health-concern",
              Syntax::v2},
          Row{"user/Observation.rs?category=vital-signs&status=final", Context::user, "Observation",
              kV1Read, "category=vital-signs&status=final", Syntax::v2},
      }));
  Scope scope = parsed(token);
  CHECK(scope.kind == ScopeKind::Resource);
  CHECK(scope.text == token);
  CHECK(scope.resource.context == context);
  CHECK(scope.resource.type == type);
  CHECK(scope.resource.permissions == perms);
  CHECK(scope.resource.query == query);
  CHECK(scope.resource.syntax == syntax);
  CHECK(to_string(scope) == token);  // round trip in the requested spelling
}

TEST_CASE("launch and identity scopes are recognised by name", "[scopes]") {
  // SCOPE-8 / SCOPE-11
  auto token =
      GENERATE("openid", "fhirUser", "profile", "launch", "launch/patient", "launch/encounter",
               "offline_access", "online_access", "launch/practitioner", "launch/diagnosticreport",
               "launch/patient?role=https://example.org/role/subject");
  Scope scope = parsed(token);
  CHECK(scope.kind == ScopeKind::Other);
  CHECK(to_string(scope) == token);
}

TEST_CASE("well-formed scopes SMART does not define are Unknown, not errors", "[scopes]") {
  auto token =
      GENERATE("__custom", "https://example.org/scope", "email", "launch/Patient",
               "launch/nosuchtype", "launch/patient?other=x", "Patient.read", "admin/Patient.read");
  Scope scope = parsed(token);
  CHECK(scope.kind == ScopeKind::Unknown);
  CHECK(to_string(scope) == token);
}

TEST_CASE("malformed resource scopes are errors naming the token and the reason", "[scopes]") {
  auto [token, message] = GENERATE(table<std::string, std::string>({
      // SCOPE-3: the BDT cases.
      {"system/Patient.unknownAction",
       "system/Patient.unknownAction: unknown permissions \"unknownAction\""},
      {"system/UnknownResource.read",
       "system/UnknownResource.read: unknown resource type \"UnknownResource\""},
      // Out of order, repeated, other letters, empty.
      {"patient/Observation.dus", "patient/Observation.dus: unknown permissions \"dus\""},
      {"patient/Observation.sr", "patient/Observation.sr: unknown permissions \"sr\""},
      {"patient/Observation.rr", "patient/Observation.rr: unknown permissions \"rr\""},
      {"patient/Observation.rx", "patient/Observation.rx: unknown permissions \"rx\""},
      {"patient/Observation.", "patient/Observation.: unknown permissions \"\""},
      {"patient/Observation.READ", "patient/Observation.READ: unknown permissions \"READ\""},
      {"patient/Observation", "patient/Observation: missing permissions"},
      {"patient/observation.rs", "patient/observation.rs: unknown resource type \"observation\""},
      {"system/.rs", "system/.rs: unknown resource type \"\""},
      {"system/*.rs?", "system/*.rs?: malformed query \"\" (expected param=value(&param=value)*)"},
      {"system/*.rs?category",
       "system/*.rs?category: malformed query \"category\" (expected "
       "param=value(&param=value)*)"},
      {"system/*.rs?a=1&",
       "system/*.rs?a=1&: malformed query \"a=1&\" (expected "
       "param=value(&param=value)*)"},
      {"system/*.rs?=x",
       "system/*.rs?=x: malformed query \"=x\" (expected "
       "param=value(&param=value)*)"},
      // RFC 6749 §3.3 characters.
      {"system/*.rs\"", "system/*.rs\": character 0x22 is not allowed in a scope (RFC 6749 §3.3)"},
      {"openid\tprofile",
       "openid\tprofile: character 0x09 is not allowed in a scope (RFC 6749 "
       "§3.3)"},
  }));
  auto scope = parse_scope(token);
  REQUIRE_FALSE(scope);
  CHECK(scope.error().token == token);
  CHECK(scope.error().message() == message);
}

TEST_CASE("v1 and v2 spellings of the same access are equivalent", "[scopes]") {
  // BACKEND-4: `system/*.read` and `system/*.rs` grant the same thing.
  auto [v1, v2] = GENERATE(table<std::string, std::string>({
      {"system/*.read", "system/*.rs"},
      {"patient/Observation.write", "patient/Observation.cud"},
      {"user/*.*", "user/*.cruds"},
  }));
  Scope a = parsed(v1);
  Scope b = parsed(v2);
  CHECK(a.resource.permissions == b.resource.permissions);
  CHECK(a.resource.type == b.resource.type);
  CHECK(a.resource.context == b.resource.context);
  CHECK(a.resource.syntax == Syntax::v1);
  CHECK(b.resource.syntax == Syntax::v2);
}

TEST_CASE("permissions without a v1 name are written in v2 even for a v1 scope", "[scopes]") {
  // SCOPE-7: factored, e.g. `.rs` and never `.r` + `.s`.
  ResourceScope scope{
      .context = Context::system, .type = "Patient", .permissions = kRead, .syntax = Syntax::v1};
  CHECK(to_string(scope) == "system/Patient.r");
  scope.permissions = kCreate | kSearch;
  CHECK(to_string(scope) == "system/Patient.cs");
  scope.permissions = kV1Read;
  CHECK(to_string(scope) == "system/Patient.read");
  scope.syntax = Syntax::v2;
  CHECK(to_string(scope) == "system/Patient.rs");
}

TEST_CASE("a scope string is split on single spaces", "[scopes]") {
  auto scopes = parse_scope_string("openid fhirUser system/*.read patient/Observation.rs");
  REQUIRE(scopes);
  REQUIRE(scopes->size() == 4);
  CHECK((*scopes)[0].kind == ScopeKind::Other);
  CHECK((*scopes)[2].resource.syntax == Syntax::v1);
  CHECK(join(*scopes) == "openid fhirUser system/*.read patient/Observation.rs");
}

TEST_CASE("an empty scope string or an empty token is an error", "[scopes]") {
  // BACKEND-2 / SCOPE-3: BDT sends an empty scope and expects invalid_scope.
  auto [text, message] = GENERATE(table<std::string, std::string>({
      {"", "scope: no scope requested"},
      {"openid  profile", "openid  profile: empty scope token (scopes are separated by one space)"},
      {" openid", " openid: empty scope token (scopes are separated by one space)"},
      {"openid ", "openid : empty scope token (scopes are separated by one space)"},
      {"openid\tprofile",
       "openid\tprofile: character 0x09 is not allowed in a scope (RFC 6749 §3.3)"},
      {"openid system/Patient.unknownAction",
       "system/Patient.unknownAction: unknown permissions \"unknownAction\""},
  }));
  auto scopes = parse_scope_string(text);
  REQUIRE_FALSE(scopes);
  CHECK(scopes.error().message() == message);
}

// Finding 2.2: every scope string is bounded before grant() sees it.
std::string scope_of(std::size_t tokens) {
  std::string out;
  for (std::size_t i = 0; i < tokens; ++i) {
    if (!out.empty()) out += ' ';
    out += "system/Patient.r?a=" + std::to_string(i);
  }
  return out;
}

TEST_CASE("a scope string of at most 100 tokens parses and one more is refused", "[scopes]") {
  static_assert(kMaxScopeTokens == 100);
  auto ok = parse_scope_string(scope_of(100));
  REQUIRE(ok);
  CHECK(ok->size() == 100);
  auto refused = parse_scope_string(scope_of(101));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message() == "scope: too many scopes (101; at most 100)");
}

TEST_CASE("a scope string of at most 4096 bytes parses and one byte more is refused", "[scopes]") {
  static_assert(kMaxScopeBytes == 4096);
  // Two tokens so the byte bound, not the token bound, is what is tested.
  const std::string first = "openid ";
  const std::string at_limit = first + "__" + std::string(4096 - first.size() - 2, 'x');
  REQUIRE(at_limit.size() == 4096);
  auto ok = parse_scope_string(at_limit);
  REQUIRE(ok);
  CHECK(ok->size() == 2);
  auto refused = parse_scope_string(at_limit + "x");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message() == "scope: too long (4097 bytes; at most 4096)");
}

TEST_CASE("make_scope writes the scope's canonical text", "[scopes]") {
  Scope scope = make_scope(ResourceScope{.context = Context::patient,
                                         .type = "Condition",
                                         .permissions = kV1Read,
                                         .query = "category=problem",
                                         .syntax = Syntax::v2});
  CHECK(scope.kind == ScopeKind::Resource);
  CHECK(scope.text == "patient/Condition.rs?category=problem");
}

}  // namespace
}  // namespace sa::scopes
