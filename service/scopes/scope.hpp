// One SMART App Launch 2.2 scope, parsed: resource scopes `(patient|user|system)/(Type|*).perms
// [?query]` in v2 (`cruds` subset) or v1 (`read`/`write`/`*`) spelling, the named launch and
// identity scopes, and everything else as Unknown for the caller to judge. Parsing and
// serialisation only: what a client may be granted lives in grant.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.hpp"

namespace sa::scopes {

enum class Context { patient, user, system };
std::string_view to_string(Context context);

// SMART App Launch 2.2 "Scopes for requesting FHIR resources": c, r, u, d, s as bits.
enum Permission : std::uint8_t {
  kCreate = 1u << 0,
  kRead = 1u << 1,
  kUpdate = 1u << 2,
  kDelete = 1u << 3,
  kSearch = 1u << 4,
};
using Permissions = std::uint8_t;
inline constexpr Permissions kV1Read = kRead | kSearch;               // `.read`
inline constexpr Permissions kV1Write = kCreate | kUpdate | kDelete;  // `.write`
inline constexpr Permissions kAllPermissions = kV1Read | kV1Write;    // `.*`, `.cruds`

enum class Syntax { v1, v2 };  // how the client spelt the permissions

struct ResourceScope {
  Context context = Context::system;
  std::string type;  // "*" or an R4 resource type
  Permissions permissions = 0;
  std::string query;  // after '?', verbatim ("category=http://...|laboratory"); "" = none
  Syntax syntax = Syntax::v2;
};

enum class ScopeKind {
  Resource,  // a ResourceScope
  Other,     // openid, fhirUser, profile, launch, launch/<type>, offline_access, online_access
  Unknown,   // well-formed scope-token (RFC 6749 §3.3) that SMART does not define
};

struct Scope {
  ScopeKind kind = ScopeKind::Unknown;
  std::string text;        // the token as written
  ResourceScope resource;  // meaningful for ScopeKind::Resource only
};

struct ScopeError {
  std::string token;
  std::string reason;
  // "system/Patient.unknownAction: unknown permissions \"unknownAction\"": safe to show clients.
  [[nodiscard]] std::string message() const;
};

// Every scope string the server accepts (a token request, a registration, the config, the coming
// authorize endpoint) goes through parse_scope_string, so these bound what any later step, such
// as grant(), has to work on. No SMART app needs more: a full v2 grant of every R4 type fits.
inline constexpr std::size_t kMaxScopeTokens = 100;
inline constexpr std::size_t kMaxScopeBytes = 4096;

Expected<Scope, ScopeError> parse_scope(std::string_view token);
// Space-separated scope-tokens (RFC 6749 §3.3): exactly one space between tokens; an empty
// string, an empty token or any other whitespace is an error naming the token. More than
// kMaxScopeTokens tokens or kMaxScopeBytes bytes is an error before any token is parsed.
Expected<std::vector<Scope>, ScopeError> parse_scope_string(std::string_view scope);

// A resource scope in the syntax it carries, factored (SMART App Launch 2.2, Scopes: scope
// equivalence): `system/*.read` stays v1, `system/*.rs` stays v2; v1 is used only when the
// permissions have a v1 name. Other kinds: text.
std::string to_string(const ResourceScope& scope);
std::string to_string(const Scope& scope);
// Space-separated to_string() of each scope.
std::string join(const std::vector<Scope>& scopes);

// A Resource-kind Scope built from parts, with text = to_string(resource).
Scope make_scope(ResourceScope resource);

}  // namespace sa::scopes
