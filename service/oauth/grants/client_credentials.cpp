#include "oauth/grants/client_credentials.hpp"

#include <algorithm>

#include "obs/log.hpp"
#include "oauth/reply.hpp"
#include "oauth/token_response.hpp"
#include "scopes/grant.hpp"
#include "scopes/scope.hpp"

namespace sa::oauth {
namespace {

constexpr std::string_view kEndpoint = "token";

// Requested scopes must all be system/ resource scopes (SMART Backend Services: "system/"
// scopes; BDT expects invalid_scope for anything else).
Expected<std::vector<scopes::Scope>, Error> requested_scopes(const Form& form) {
  auto text = form.get("scope");
  if (!text) {
    return unexpected(make_error(ErrorCode::invalid_scope, "scope is required"));  // BACKEND-2
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
                                               const tokens::AccessTokenIssuer& issuer,
                                               tokens::TokenStore& tokens, obs::Metrics& metrics)
    : settings_(settings), issuer_(issuer), tokens_(tokens), metrics_(metrics) {}

void ClientCredentialsGrant::handle(const TokenRequest& request, http::Responder done) const {
  const auto& client = request.client.client;
  auto fail = [&](const Error& e) { reply_error(done, e, kEndpoint, request.request_id, metrics_); };

  const auto& grants = client.grant_types;
  if (std::find(grants.begin(), grants.end(), "client_credentials") == grants.end()) {
    return fail(make_error(ErrorCode::unauthorized_client,
                           "this client is not registered for client_credentials"));
  }
  // Only confidential clients may use this grant (RFC 6749 §4.4; SMART Backend Services).
  if (request.client.method == "none") {
    return fail(make_error(ErrorCode::unauthorized_client,
                           "client_credentials needs a confidential client"));
  }
  // SMART App Launch 2.2, Backend Services: the client SHALL register a public key set, so only
  // the methods tokens.client_credentials_auth_methods lists (default private_key_jwt).
  const auto& allowed = settings_.client_credentials_auth_methods;
  if (std::find(allowed.begin(), allowed.end(), request.client.method) == allowed.end()) {
    return fail(make_error(ErrorCode::unauthorized_client,
                           "client_credentials is not allowed with " + request.client.method));
  }
  auto requested = requested_scopes(request.form);
  if (!requested) return fail(requested.error());
  auto ceiling = scopes::parse_scope_string(client.scope);
  // BACKEND-3: granted = requested ∩ what the client was registered for.
  auto granted = ceiling ? scopes::grant(*requested, *ceiling) : std::vector<scopes::Scope>{};
  if (granted.empty()) {
    return fail(make_error(ErrorCode::invalid_scope,
                           "none of the requested scopes is allowed for this client"));
  }

  tokens::AccessTokenRequest token_request;
  token_request.subject = client.client_id;  // RFC 9068 §2.2: sub = client_id for this grant
  token_request.client_id = client.client_id;
  token_request.scope = scopes::join(granted);
  token_request.lifetime_s = settings_.access_token_lifetime_s;
  auto issued = issuer_.issue(token_request);
  if (!issued) {
    return fail(make_error(ErrorCode::server_error, "cannot issue a token", issued.error()));
  }

  tokens::AccessTokenRecord record;
  record.jti = issued->jti;
  record.client_id = client.client_id;
  record.subject = client.client_id;
  record.scope = issued->scope;
  record.issued_at = issued->issued_at;
  record.expires_at = issued->expires_at;
  // The response waits for the record's commit: a token is never in a client's hands before
  // introspection and revocation can find it.
  tokens_.record(record, [done, issued = std::move(issued).value(), client_id = client.client_id,
                          request_id = request.request_id, this](store::StoreStatus status) {
    if (status != store::StoreStatus::ok) {
      reply_error(done,
                  make_error(ErrorCode::server_error, "cannot record the token",
                             std::string(store::to_string(status))),
                  kEndpoint, request_id, metrics_);
      return;
    }
    count_token_issued(metrics_, "client_credentials");
    obs::audit("token_issued", {{"grant_type", "client_credentials"},
                                {"client_id", client_id},
                                {"jti", issued.jti},
                                {"scope", issued.scope},
                                {"request_id", request_id}});
    TokenResponse body;
    body.access_token = issued.jwt;
    body.expires_in = issued.expires_at - issued.issued_at;
    body.scope = issued.scope;
    done(token_response(body));
  });
}

}  // namespace sa::oauth
