#include "oauth/grants/client_credentials.hpp"

#include <algorithm>

#include "scopes/grant.hpp"
#include "scopes/scope.hpp"

namespace sa::oauth {
namespace {

// Requested scopes must all be system/ resource scopes (SMART App Launch 2.2, Backend Services:
// the client requests "system/" scopes; anything else is invalid_scope).
Expected<std::vector<scopes::Scope>, Error> requested_scopes(const Form& form) {
  auto text = form.get("scope");
  if (!text) {
    return unexpected(make_error(ErrorCode::invalid_scope, "scope is required"));
  }
  // Bounded to scopes::kMaxScopeTokens / kMaxScopeBytes before grant() sees it (finding 2.2).
  auto parsed = scopes::parse_scope_string(*text);
  if (!parsed) return unexpected(make_error(ErrorCode::invalid_scope, parsed.error().message()));
  for (const auto& s : *parsed) {
    if (s.kind != scopes::ScopeKind::Resource || s.resource.context != scopes::Context::system) {
      return unexpected(make_error(ErrorCode::invalid_scope,
                                   s.text + ": client_credentials grants only system/ scopes"));
    }
  }
  return std::move(parsed).value();
}

}  // namespace

ClientCredentialsGrant::ClientCredentialsGrant(const config::TokenSettings& settings,
                                               const tokens::AccessTokenIssuer& issuer)
    : settings_(settings), issuer_(issuer) {}

void ClientCredentialsGrant::handle(const TokenRequest& request, GrantDone done) const {
  const auto& client = request.client.client;
  // RFC 6749 §4.4: "The client credentials grant type MUST only be used by confidential clients."
  if (request.client.method == "none") {
    return done(unexpected(make_error(ErrorCode::unauthorized_client,
                                      "client_credentials needs a confidential client")));
  }
  // SMART App Launch 2.2, Backend Services: the client SHALL register a public key set, so only
  // the methods tokens.client_credentials_auth_methods lists (default private_key_jwt).
  const auto& allowed = settings_.client_credentials_auth_methods;
  if (std::find(allowed.begin(), allowed.end(), request.client.method) == allowed.end()) {
    return done(unexpected(make_error(ErrorCode::unauthorized_client,
                                      "client_credentials is not allowed with " +
                                          request.client.method)));
  }
  auto requested = requested_scopes(request.form);
  if (!requested) return done(unexpected(requested.error()));
  // The registered scope was validated when it was stored: failing to parse it now is our fault,
  // not the client's (server_error), and must not read as "not allowed".
  auto ceiling = scopes::parse_scope_string(client.scope);
  if (!ceiling) {
    return done(unexpected(make_error(ErrorCode::server_error, "cannot read the client's scope",
                                      "registered scope of " + client.client_id +
                                          " does not parse: " + ceiling.error().message())));
  }
  // SMART App Launch 2.2, Backend Services: granted = requested ∩ what the EHR pre-authorized.
  auto granted = scopes::grant(*requested, *ceiling);
  if (granted.empty()) {
    return done(unexpected(make_error(ErrorCode::invalid_scope,
                                      "none of the requested scopes is allowed for this client")));
  }

  tokens::AccessTokenRequest token_request;
  token_request.subject = client.client_id;  // RFC 9068 §2.2: sub = client_id for this grant
  token_request.client_id = client.client_id;
  token_request.scope = scopes::join(granted);
  token_request.lifetime_s = settings_.access_token_lifetime_s;
  // Nothing is recorded: the token is a self-contained JWT (RFC 9068) that introspection checks
  // by its signature (tokens::TokenInspector), so a backend's request writes nothing but its
  // assertion's jti, which the endpoint commits before the token leaves (grant.hpp).
  token_request.unrecorded = true;
  auto issued = issuer_.issue(token_request);
  if (!issued) {
    return done(unexpected(make_error(ErrorCode::server_error, "cannot issue a token",
                                      issued.error())));
  }
  Granted result;
  result.jti = issued->jti;
  result.response.access_token = std::move(issued->jwt);
  result.response.expires_in = issued->expires_at - issued->issued_at;
  result.response.scope = std::move(issued->scope);
  done(std::move(result));
}

}  // namespace sa::oauth
