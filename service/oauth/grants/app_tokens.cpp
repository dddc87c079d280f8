#include "oauth/grants/app_tokens.hpp"

#include <rapidjson/document.h>

#include <utility>

#include "crypto/hash.hpp"
#include "util/strings.hpp"

namespace sa::oauth {
namespace {

std::optional<std::string> string_member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

// SMART App Launch 2.2 "Launch context": patient and encounter ids go into the access token too,
// so a FHIR server needs nothing but the JWKS to know the context.
tokens::LaunchClaims launch_claims(const AppSubject& subject, const std::string& scope) {
  tokens::LaunchClaims claims;
  if (subject.context_json) {
    rapidjson::Document context;
    context.Parse(subject.context_json->data(), subject.context_json->size());
    if (!context.HasParseError() && context.IsObject()) {
      claims.patient = string_member(context, "patient");
      claims.encounter = string_member(context, "encounter");
    }
  }
  auto user = tokens::user_claims(scope, subject.user_id, subject.fhir_user, subject.user_name,
                                  subject.aud);
  claims.fhir_user = std::move(user.fhir_user);
  return claims;
}

}  // namespace

Expected<std::string, Error> presented_hash(const Form& form, std::string_view field,
                                            std::string (*key_of)(std::string_view)) {
  auto value = form.get(field);
  if (!value || value->empty()) {
    return unexpected(make_error(ErrorCode::invalid_request, std::string(field) + " is required"));
  }
  return key_of(*value);
}

Error lookup_error(store::StoreStatus status, std::string_view what) {
  if (status == store::StoreStatus::not_found) {
    return make_error(ErrorCode::invalid_grant, "the " + std::string(what) + " is unknown");
  }
  return make_error(ErrorCode::server_error, "cannot read the " + std::string(what),
                    std::string(store::to_string(status)));
}

Expected<AppTokens, Error> issue_app_tokens(const AppTokenDeps& deps, const AppSubject& subject,
                                            const std::string& scope,
                                            const std::optional<std::string>& nonce,
                                            IdTokenRule id_token_rule) {
  const auto& settings = deps.config.tokens;
  tokens::AccessTokenRequest request;
  request.subject = subject.user_id;
  request.client_id = subject.client_id;
  request.scope = scope;
  // SMART App Launch 2.2: an hour at most (TOKEN-8); ONC revocation within the hour.
  request.lifetime_s = settings.app_access_token_lifetime_s;
  request.context = launch_claims(subject, scope);
  request.audience = subject.aud;  // RFC 9068 §2.2: the FHIR base the app named at authorize
  auto issued = deps.access_tokens.issue(request);
  if (!issued) {
    return unexpected(make_error(ErrorCode::server_error, "cannot issue a token", issued.error()));
  }

  AppTokens out;
  out.record.jti = issued->jti;
  out.record.client_id = subject.client_id;
  out.record.subject = subject.user_id;
  out.record.scope = issued->scope;
  out.record.issued_at = issued->issued_at;
  out.record.expires_at = issued->expires_at;
  out.record.grant_id = subject.grant_id;  // TOKEN-13: revoked with its grant
  out.record.context_json = subject.context_json;
  out.record.token_hash = crypto::sha256_b64url(issued->jwt);
  out.access = std::move(issued).value();

  // OIDC Core §3.1.3.3: an id_token when the authorization asked for openid.
  if (id_token_rule == IdTokenRule::when_openid && has_item(scope, "openid")) {
    tokens::IdTokenRequest id;
    id.user = tokens::user_claims(scope, subject.user_id, subject.fhir_user, subject.user_name,
                                  subject.aud);
    id.client_id = subject.client_id;
    id.auth_time = subject.auth_time;
    id.nonce = nonce;
    id.lifetime_s = settings.id_token_lifetime_s;
    auto id_token = deps.id_tokens.issue(id);
    if (!id_token) {
      return unexpected(
          make_error(ErrorCode::server_error, "cannot issue an id_token", id_token.error()));
    }
    out.id_token = std::move(id_token).value();
  }
  return out;
}

MintedRefresh mint_refresh(crypto::Random& random, const Clock& clock, std::string grant_id,
                           std::string scope, std::int64_t now, std::int64_t expires_at) {
  MintedRefresh minted;
  // RFC 6749 §10.10: unguessable (256 random bits); ordered, so its row appends.
  minted.token =
      crypto::ordered_token(random, clock.now_microseconds(), tokens::kRefreshTokenBytes);
  minted.record.token_hash = tokens::refresh_token_key(minted.token);  // RFC 6749 §10.4
  minted.record.grant_id = std::move(grant_id);
  minted.record.scope = std::move(scope);
  minted.record.issued_at = now;
  minted.record.expires_at = expires_at;
  return minted;
}

store::Database::WriteFn in_order(std::vector<store::Database::WriteFn> steps) {
  return [steps = std::move(steps)](store::Connection& conn) {
    for (const auto& step : steps) {
      if (!step) continue;
      auto status = step(conn);
      if (status != store::StoreStatus::ok) return status;
    }
    return store::StoreStatus::ok;
  };
}

Granted app_response(const AppTokens& tokens, std::optional<std::string> refresh_token,
                     std::optional<std::string> context_json) {
  Granted granted;
  granted.jti = tokens.access.jti;
  granted.response.access_token = tokens.access.jwt;
  granted.response.expires_in = tokens.access.expires_at - tokens.access.issued_at;
  granted.response.scope = tokens.access.scope;
  granted.response.refresh_token = std::move(refresh_token);
  granted.response.id_token = tokens.id_token;
  granted.response.context_json = std::move(context_json);
  return granted;
}

}  // namespace sa::oauth
