#include "clients/registration_policy.hpp"

#include <algorithm>

#include "scopes/grant.hpp"
#include "scopes/scope.hpp"

namespace sa::clients {
namespace {

using oauth::ErrorCode;

oauth::Error bad_metadata(std::string description) {
  return oauth::make_error(ErrorCode::invalid_client_metadata, std::move(description));
}

std::string listed(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

bool allows_system_scopes(const std::vector<scopes::Scope>& cap) {
  return std::any_of(cap.begin(), cap.end(), [](const scopes::Scope& s) {
    return s.kind == scopes::ScopeKind::Resource && s.resource.context == scopes::Context::system;
  });
}

}  // namespace

std::optional<oauth::Error> apply_registration_policy(
    ClientMetadata& metadata, std::string_view cap,
    const std::vector<std::string>& client_credentials_auth_methods) {
  // The cap comes from the validated config or from a stored client; an empty or unreadable one
  // allows nothing.
  std::vector<scopes::Scope> parsed_cap;
  if (auto parsed = scopes::parse_scope_string(cap)) parsed_cap = std::move(parsed).value();
  if (has_grant(metadata, "client_credentials")) {
    const auto& methods = client_credentials_auth_methods;
    // SMART App Launch 2.2, Backend Services: the client SHALL register a public key set
    // (private_key_jwt); secret methods only where the operator lists them.
    if (std::find(methods.begin(), methods.end(), metadata.token_endpoint_auth_method) ==
        methods.end()) {
      return bad_metadata("token_endpoint_auth_method: client_credentials needs " +
                          listed(methods) + ", not " + metadata.token_endpoint_auth_method);
    }
    if (!allows_system_scopes(parsed_cap)) {
      return bad_metadata(
          "grant_types: client_credentials needs an initial access token that allows system/ "
          "scopes; ask the EHR administrator for one and register with it as "
          "Authorization: Bearer <token>");
    }
  }
  if (metadata.scope.empty()) return std::nullopt;
  auto requested = scopes::parse_scope_string(metadata.scope);
  if (!requested) return bad_metadata("scope: " + requested.error().message());
  // RFC 7591 §5 (self-asserted metadata) and §3.2.1 (the server may change what was asked): keep
  // only what the cap allows, narrowing e.g. system/*.cruds to system/*.rs.
  metadata.scope = scopes::join(scopes::grant(*requested, parsed_cap));
  return std::nullopt;
}

}  // namespace sa::clients
