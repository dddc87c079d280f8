#include "oauth/grants/refresh_token.hpp"

#include <utility>

#include "crypto/hash.hpp"
#include "obs/log.hpp"
#include "scopes/scope.hpp"
#include "util/strings.hpp"

namespace sa::oauth {
namespace {

using store::StoreStatus;

Error bad_grant(std::string description, std::string internal = {}) {
  return make_error(ErrorCode::invalid_grant, std::move(description), std::move(internal));
}

// RFC 6749 §6: "The requested scope MUST NOT include any scope not originally granted by the
// resource owner, and if omitted is treated as equal to the scope originally granted"
// (REFRESH-4). The presented token's scope is the ceiling: it is the grant's, kept identical
// through every rotation (RFC 6749 §6: the new refresh token's scope is the old one's).
Expected<std::string, Error> refreshed_scope(const Form& form, const std::string& ceiling) {
  auto requested = form.get("scope");
  if (!requested) return ceiling;
  // Bounded like every scope string that enters (issue 6 finding 2.2): the check below is
  // quadratic in the number of tokens.
  if (requested->size() > scopes::kMaxScopeBytes) {
    return unexpected(make_error(ErrorCode::invalid_scope, "scope is too long"));
  }
  std::string scope;
  for (auto token : split(*requested, ' ')) {
    if (token.empty() || has_item(scope, token)) continue;
    if (!has_item(ceiling, token)) {
      return unexpected(make_error(ErrorCode::invalid_scope,
                                   std::string(token) + " was not granted to this refresh token"));
    }
    scope += (scope.empty() ? "" : " ") + std::string(token);
  }
  if (scope.empty()) return unexpected(make_error(ErrorCode::invalid_scope, "scope is empty"));
  return scope;
}

// The new refresh token's expiry: offline_access renews its period on every rotation
// (REFRESH-9, ONC (g)(10)); online_access ends with the login session (REFRESH-10).
std::int64_t next_expiry(const tokens::RefreshLookup& lookup, std::int64_t now,
                         const config::TokenSettings& settings) {
  switch (lookup.grant.refresh) {
    case tokens::RefreshKind::offline:
      return now + settings.offline_refresh_lifetime_s;
    case tokens::RefreshKind::online:
      return lookup.session ? lookup.session->expires_at : now;
    case tokens::RefreshKind::none:
      return now;
  }
  return now;  // unreachable: the switch is exhaustive
}

}  // namespace

RefreshTokenGrant::RefreshTokenGrant(AppTokenDeps deps)
    : deps_(deps),
      rules_{deps.config.tokens.refresh_reuse_grace_s,
             deps.config.authorize.session_idle_timeout_s} {}

void RefreshTokenGrant::handle(const TokenRequest& request, GrantDone done) const {
  const auto& client = request.client.client;
  // RFC 6749 §6: refresh_token is REQUIRED.
  auto token_hash = presented_hash(request.form, "refresh_token", tokens::refresh_token_key);
  if (!token_hash) return done(unexpected(token_hash.error()));
  const auto now = deps_.clock.now_seconds();
  auto lookup = deps_.grants.find_refresh(*token_hash);
  // REFRESH-7: unknown -> 400 invalid_grant.
  if (!lookup) return done(unexpected(lookup_error(lookup.error(), "refresh token")));
  const auto& grant = lookup->grant;
  switch (tokens::judge_refresh(*lookup, client.client_id, now, rules_)) {
    case tokens::RefreshVerdict::rotate:
      break;
    case tokens::RefreshVerdict::wrong_client:
      // REFRESH-2: bound to its client; another client's presentation revokes nothing.
      return done(unexpected(
          bad_grant("the refresh token was not issued to this client",
                    "refresh token of " + grant.client_id + " presented by " + client.client_id)));
    case tokens::RefreshVerdict::expired:
      return done(unexpected(bad_grant("the refresh token has expired")));  // REFRESH-7
    case tokens::RefreshVerdict::revoked:
      return done(unexpected(bad_grant("the refresh token was revoked")));  // REFRESH-7
    case tokens::RefreshVerdict::session_ended:
      // SMART App Launch 2.2 "online_access": the user's login session is over (REFRESH-10).
      return done(unexpected(bad_grant("the login session this refresh token belonged to ended")));
    case tokens::RefreshVerdict::reused: {
      // RFC 9700 §4.14.2 (REFRESH-8): a rotated-out token presented again means it leaked, or
      // the app's copy did: the whole family goes, the newest refresh token included.
      obs::audit("refresh_reuse", {{"client_id", client.client_id},
                                   {"grant_id", grant.grant_id},
                                   {"request_id", request.request_id}});
      return deps_.grants.revoke(
          grant.grant_id, now, [done, grant_id = grant.grant_id](StoreStatus status) {
            done(unexpected(bad_grant("the refresh token was already used",
                                      "refresh token reused; grant " + grant_id +
                                          " revoked: " + std::string(store::to_string(status)))));
          });
    }
  }

  auto scope = refreshed_scope(request.form, lookup->token.scope);
  if (!scope) return done(unexpected(std::move(scope).error()));

  AppSubject subject{grant.grant_id,  grant.client_id, grant.user_id, grant.fhir_user,
                     grant.user_name, grant.auth_time, grant.aud,     grant.context_json};
  // OIDC Core §12.2: a refresh response may leave the id_token out (tokens.id_token_on_refresh);
  // one on refresh carries no nonce.
  auto issued = issue_app_tokens(
      deps_, subject, *scope, std::nullopt,
      deps_.config.tokens.id_token_on_refresh ? IdTokenRule::when_openid : IdTokenRule::never);
  if (!issued) return done(unexpected(std::move(issued).error()));
  // RFC 6749 §6: the new refresh token's scope is identical to the presented one's.
  auto next = mint_refresh(deps_.random, deps_.clock, grant.grant_id, lookup->token.scope, now,
                           next_expiry(*lookup, now, deps_.config.tokens));

  // Issue 6 §4: ONE durable write. The rotation reports its own outcome: a conflict means another
  // request changed the family since it was judged (rotated past the grace, or revoked it).
  auto rotation = std::make_shared<StoreStatus>(StoreStatus::ok);
  auto rotate = [rotation, step = deps_.grants.rotate(*token_hash, now, rules_.reuse_grace_s,
                                                      next.record)](store::Connection& conn) {
    *rotation = step(conn);
    return *rotation;
  };
  auto record = issued->record;
  deps_.tokens.record(
      std::move(record), in_order({request.claim_write(), std::move(rotate)}),
      [done, rotation, issued = std::move(issued).value(), token = std::move(next.token),
       context = grant.context_json](StoreStatus status) mutable {
        if (*rotation == StoreStatus::conflict) {
          return done(unexpected(bad_grant("the refresh token is no longer valid",
                                           "rotation lost to a concurrent change")));
        }
        if (status != StoreStatus::ok) {
          return done(unexpected(make_error(ErrorCode::server_error, "cannot record the token",
                                            std::string(store::to_string(status)))));
        }
        // SMART App Launch 2.2 step 7: the same launch context as the original response.
        done(app_response(issued, std::move(token), std::move(context)));
      });
}

}  // namespace sa::oauth
