#include "scopes/scope.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "scopes/resource_types.hpp"
#include "util/strings.hpp"

namespace sa::scopes {
namespace {

constexpr std::string_view kPermissionLetters = "cruds";

// SMART App Launch 2.2 "Scopes for requesting context data" and "identity data".
constexpr std::array<std::string_view, 8> kNamedScopes = {
    "openid",         "fhirUser",         "profile",        "launch",
    "launch/patient", "launch/encounter", "offline_access", "online_access",
};

constexpr std::string_view kLaunchPrefix = "launch/";

ScopeError error(std::string_view token, std::string reason) {
  return ScopeError{std::string(token), std::move(reason)};
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
std::optional<char> first_invalid_char(std::string_view token) {
  for (char c : token) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E || c == '"' || c == '\\') return c;
  }
  return std::nullopt;
}

std::string hex_byte(char c) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  auto u = static_cast<unsigned char>(c);
  return std::string("0x") + kHex[u >> 4] + kHex[u & 0xF];
}

// SMART App Launch 2.2 "Finer-grained resource constraints": param=value(&param=value)*.
bool well_formed_query(std::string_view query) {
  if (query.empty()) return false;
  for (std::string_view pair : split(query, '&')) {
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == pair.size()) return false;
  }
  return true;
}

std::optional<Context> context_of(std::string_view name) {
  if (name == "patient") return Context::patient;
  if (name == "user") return Context::user;
  if (name == "system") return Context::system;
  return std::nullopt;
}

// SMART App Launch 2.2, Scopes: v1 names (.read, .write, .*); a v2 suffix is a non-empty subset
// of "cruds" in that order, so `.dus`, `.rr` and `.unknownAction` are rejected (the spec lets a
// server reject out-of-order or undefined suffixes).
bool parse_permissions(std::string_view text, Permissions& perms, Syntax& syntax) {
  constexpr std::array<std::pair<std::string_view, Permissions>, 3> kV1Names = {
      {{"read", kV1Read}, {"write", kV1Write}, {"*", kAllPermissions}}};
  for (const auto& [name, value] : kV1Names) {
    if (text == name) {
      perms = value;
      syntax = Syntax::v1;
      return true;
    }
  }
  syntax = Syntax::v2;
  perms = 0;
  std::size_t next = 0;  // letters before this index may no longer appear
  for (char c : text) {
    auto at = kPermissionLetters.find(c, next);
    if (at == std::string_view::npos) return false;
    perms |= static_cast<Permissions>(1u << at);
    next = at + 1;
  }
  return perms != 0;
}

Expected<Scope, ScopeError> parse_resource_scope(std::string_view token, Context context,
                                                 std::string_view rest) {
  ResourceScope scope{.context = context};
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    scope.query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
    if (!well_formed_query(scope.query)) {
      return unexpected(error(token, "malformed query " + quoted(scope.query) +
                                         " (expected param=value(&param=value)*)"));
    }
  }
  auto dot = rest.find('.');
  if (dot == std::string_view::npos) return unexpected(error(token, "missing permissions"));
  std::string_view type = rest.substr(0, dot);
  std::string_view perms = rest.substr(dot + 1);
  // SMART App Launch 2.2, Scopes: a server may reject unknown resource types; BDT expects
  // `system/UnknownResource.read` to be invalid_scope.
  if (type != "*" && !is_r4_resource_type(type)) {
    return unexpected(error(token, "unknown resource type " + quoted(type)));
  }
  scope.type = std::string(type);
  if (!parse_permissions(perms, scope.permissions, scope.syntax)) {
    return unexpected(error(token, "unknown permissions " + quoted(perms)));
  }
  return Scope{.kind = ScopeKind::Resource, .text = std::string(token), .resource = scope};
}

// SMART App Launch 2.2: `launch/<lowercase type>` optionally with `?role=<uri>`.
bool is_launch_context_scope(std::string_view token) {
  if (!token.starts_with(kLaunchPrefix)) return false;
  std::string_view rest = token.substr(kLaunchPrefix.size());
  auto q = rest.find('?');
  std::string_view type = rest.substr(0, q);
  if (type != to_lower(type) || !r4_type_from_lowercase(type)) return false;
  if (q == std::string_view::npos) return true;
  std::string_view query = rest.substr(q + 1);
  return query.starts_with("role=") && query.size() > 5 &&
         query.find('&') == std::string_view::npos;
}

}  // namespace

std::string_view to_string(Context context) {
  switch (context) {
    case Context::patient:
      return "patient";
    case Context::user:
      return "user";
    case Context::system:
      return "system";
  }
  return "system";
}

std::string ScopeError::message() const {
  return (token.empty() ? std::string("scope") : token) + ": " + reason;
}

Expected<Scope, ScopeError> parse_scope(std::string_view token) {
  if (token.empty()) return unexpected(error(token, "empty scope token"));
  if (auto bad = first_invalid_char(token)) {
    return unexpected(
        error(token, "character " + hex_byte(*bad) + " is not allowed in a scope (RFC 6749 §3.3)"));
  }
  for (std::string_view named : kNamedScopes) {
    if (token == named) return Scope{.kind = ScopeKind::Other, .text = std::string(token)};
  }
  if (is_launch_context_scope(token)) {
    return Scope{.kind = ScopeKind::Other, .text = std::string(token)};
  }
  if (auto slash = token.find('/'); slash != std::string_view::npos) {
    if (auto context = context_of(token.substr(0, slash))) {
      return parse_resource_scope(token, *context, token.substr(slash + 1));
    }
  }
  return Scope{.kind = ScopeKind::Unknown, .text = std::string(token)};
}

Expected<std::vector<Scope>, ScopeError> parse_scope_string(std::string_view scope) {
  // SMART App Launch 2.2, Backend Services: scope is required; BDT expects an empty scope to be
  // invalid_scope.
  if (scope.empty()) return unexpected(error("", "no scope requested"));
  // Bounded before anything is split or parsed (see kMaxScopeTokens).
  if (scope.size() > kMaxScopeBytes) {
    return unexpected(error("", "too long (" + std::to_string(scope.size()) + " bytes; at most " +
                                    std::to_string(kMaxScopeBytes) + ")"));
  }
  const auto tokens = static_cast<std::size_t>(std::count(scope.begin(), scope.end(), ' ')) + 1;
  if (tokens > kMaxScopeTokens) {
    return unexpected(error("", "too many scopes (" + std::to_string(tokens) + "; at most " +
                                    std::to_string(kMaxScopeTokens) + ")"));
  }
  std::vector<Scope> out;
  out.reserve(tokens);
  for (std::string_view token : split(scope, ' ')) {
    // RFC 6749 §3.3: tokens are delimited by exactly one space.
    if (token.empty()) {
      return unexpected(error(scope, "empty scope token (scopes are separated by one space)"));
    }
    auto parsed = parse_scope(token);
    if (!parsed) return unexpected(parsed.error());
    out.push_back(std::move(*parsed));
  }
  return out;
}

std::string to_string(const ResourceScope& scope) {
  std::string out(to_string(scope.context));
  out += '/';
  out += scope.type;
  out += '.';
  // SMART App Launch 2.2, Scopes (v1 compatibility): v1 requested, v1 returned, when the
  // permissions have a v1 name.
  if (scope.syntax == Syntax::v1 && scope.permissions == kV1Read) {
    out += "read";
  } else if (scope.syntax == Syntax::v1 && scope.permissions == kV1Write) {
    out += "write";
  } else if (scope.syntax == Syntax::v1 && scope.permissions == kAllPermissions) {
    out += '*';
  } else {
    // SMART App Launch 2.2, Scopes: scope equivalence; one factored suffix (`.rs`), never `.r` +
    // `.s`.
    for (std::size_t i = 0; i < kPermissionLetters.size(); ++i) {
      if (scope.permissions & (1u << i)) out += kPermissionLetters[i];
    }
  }
  if (!scope.query.empty()) {
    out += '?';
    out += scope.query;  // SMART App Launch 2.2, finer-grained constraints: echoed verbatim
  }
  return out;
}

std::string to_string(const Scope& scope) {
  return scope.kind == ScopeKind::Resource ? to_string(scope.resource) : scope.text;
}

std::string join(const std::vector<Scope>& scopes) {
  std::string out;
  for (const auto& scope : scopes) {
    if (!out.empty()) out += ' ';
    out += to_string(scope);
  }
  return out;
}

Scope make_scope(ResourceScope resource) {
  std::string text = to_string(resource);
  return Scope{
      .kind = ScopeKind::Resource, .text = std::move(text), .resource = std::move(resource)};
}

}  // namespace sa::scopes
