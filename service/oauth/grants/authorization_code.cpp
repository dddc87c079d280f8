#include "oauth/grants/authorization_code.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include "crypto/hash.hpp"
#include "oauth/pkce.hpp"
#include "util/strings.hpp"
#include "obs/log.hpp"

namespace sa::oauth {
namespace {

using store::StoreStatus;

Error bad_grant(std::string description, std::string internal = {}) {
  return make_error(ErrorCode::invalid_grant, std::move(description), std::move(internal));
}

bool registered_refresh(const clients::ClientRecord& client) {
  const auto& grants = client.grant_types;
  return std::find(grants.begin(), grants.end(), "refresh_token") != grants.end();
}

// The checks of RFC 6749 §4.1.3 and RFC 7636 §4.6 on an unused code of this client, in order.
// Every failure is invalid_grant (RFC 6749 §5.2): the client learns which parameter, not more.
std::optional<Error> check_code(const authorize::StoredCode& stored, const TokenRequest& request,
                                std::int64_t now) {
  const auto& code = stored.code;
  // RFC 6749 §4.1.2: the code expires shortly after it is issued.
  if (code.expires_at <= now) return bad_grant("the code has expired");
  // RFC 6749 §4.1.3: redirect_uri is REQUIRED when the authorization request had it, and the
  // values MUST be identical. SMART App Launch 2.2 step 5 always sends it; a value differing
  // from the one the code was sent to is refused either way.
  auto redirect_uri = request.form.get("redirect_uri");
  if (code.redirect_uri_sent && !redirect_uri) return bad_grant("redirect_uri is required");
  if (redirect_uri && *redirect_uri != code.redirect_uri) {
    return bad_grant("redirect_uri does not match the authorization request");
  }
  // RFC 7636 §4.5/§4.6 (PKCE-3, PKCE-4): the verifier must be there, well formed, and hash to the
  // stored S256 challenge. SMART App Launch 2.2 requires PKCE of every app, so a code without a
  // challenge cannot be redeemed either (PKCE-5, RFC 9700 §2.1.1: no downgrade).
  auto verifier = request.form.get("code_verifier");
  if (!verifier) return bad_grant("code_verifier is required");
  if (!verifier_well_formed(*verifier)) {
    return bad_grant("code_verifier must be 43 to 128 unreserved characters");
  }
  if (!verifier_matches(*verifier, code.code_challenge)) {
    return bad_grant("code_verifier does not match the code_challenge");
  }
  return std::nullopt;
}

}  // namespace

AuthorizationCodeGrant::AuthorizationCodeGrant(AppTokenDeps deps, authorize::CodeStore& codes,
                                               authorize::FlowStore& sessions)
    : deps_(deps), codes_(codes), sessions_(sessions) {}

void AuthorizationCodeGrant::handle(const TokenRequest& request, GrantDone done) const {
  const auto& client = request.client.client;
  // RFC 6749 §4.1.3: code is REQUIRED.
  auto code_hash = presented_hash(request.form, "code", crypto::sha256_b64url);
  if (!code_hash) return done(unexpected(code_hash.error()));
  const auto now = deps_.clock.now_seconds();
  auto stored = codes_.find(*code_hash);
  if (!stored) return done(unexpected(lookup_error(stored.error(), "code")));
  const auto& code = stored->code;
  // RFC 6749 §4.1.3: "ensure that the authorization code was issued to the authenticated
  // confidential client, or if the client is public, ensure that the code was issued to
  // "client_id" in the request" (TOKEN-2). Another client's code revokes nothing.
  if (code.client_id != client.client_id) {
    return done(
        unexpected(bad_grant("the code was not issued to this client",
                             "code of " + code.client_id + " presented by " + client.client_id)));
  }
  // RFC 6749 §4.1.2, §10.5 (TOKEN-4): a used code is refused and what it issued is revoked,
  // whatever else the replay carries (expired by now, another verifier).
  if (stored->used_at) {
    return refuse_reuse(code.grant_id, client.client_id, request.request_id, done);
  }
  if (auto failed = check_code(*stored, request, now)) return done(unexpected(std::move(*failed)));

  // The refresh token, when earned (SMART App Launch 2.2 "offline_access"/"online_access";
  // REFRESH-1): offline wins when both were granted; either needs the client's registration.
  const auto& settings = deps_.config.tokens;
  auto kind = tokens::RefreshKind::none;
  std::int64_t refresh_expires = 0;
  if (registered_refresh(client)) {
    if (has_item(code.scope, "offline_access")) {
      kind = tokens::RefreshKind::offline;
      refresh_expires = now + settings.offline_refresh_lifetime_s;  // REFRESH-9
    } else if (has_item(code.scope, "online_access") && code.session_hash) {
      // REFRESH-10: online_access ends with the login session the user approved in. Without a
      // live session (sessions off, or already ended) there is nothing to bind it to: none.
      auto session = sessions_.find_session(*code.session_hash, now,
                                            deps_.config.authorize.session_idle_timeout_s);
      if (session) {
        kind = tokens::RefreshKind::online;
        refresh_expires = session->expires_at;
      }
    }
  }

  AppSubject subject{code.grant_id,  code.client_id, code.user_id, code.fhir_user,
                     code.user_name, code.auth_time, code.aud,     code.context_json};
  auto issued = issue_app_tokens(deps_, subject, code.scope, code.nonce, IdTokenRule::when_openid);
  if (!issued) return done(unexpected(std::move(issued).error()));

  std::optional<MintedRefresh> refresh;
  if (kind != tokens::RefreshKind::none) {
    refresh =
        mint_refresh(deps_.random, deps_.clock, code.grant_id, code.scope, now, refresh_expires);
  }
  tokens::GrantRecord grant;
  grant.grant_id = code.grant_id;
  grant.client_id = code.client_id;
  grant.user_id = code.user_id;
  grant.fhir_user = code.fhir_user;
  grant.user_name = code.user_name;
  grant.auth_time = code.auth_time;
  grant.scope = code.scope;
  grant.context_json = code.context_json;
  grant.aud = code.aud;
  grant.refresh = kind;
  if (kind == tokens::RefreshKind::online) grant.session_hash = code.session_hash;
  grant.created_at = now;
  // No refresh token: refresh_expires is 0, and so is its covering expiry.
  grant.expires_at =
      std::max(issued->access.expires_at, tokens::grant_expiry_covering(refresh_expires, now));

  // Issue 6 §4: ONE durable write. The redemption reports its own outcome, so a lost race
  // (another request redeemed the code first) is told apart from the assertion's replay claim.
  auto redemption = std::make_shared<StoreStatus>(StoreStatus::ok);
  auto redeem = [redemption, step = codes_.redeem(*code_hash, now)](store::Connection& conn) {
    *redemption = step(conn);
    return *redemption;
  };
  auto first =
      in_order({request.claim_write(), std::move(redeem),
                deps_.grants.create(std::move(grant),
                                    refresh ? std::optional(refresh->record) : std::nullopt)});
  auto record = issued->record;
  deps_.tokens.record(
      std::move(record), std::move(first),
      [this, done, redemption, issued = std::move(issued).value(),
       refresh_token = refresh ? std::optional(refresh->token) : std::nullopt,
       context = code.context_json, grant_id = code.grant_id, client_id = client.client_id,
       request_id = request.request_id](StoreStatus status) mutable {
        if (*redemption == StoreStatus::conflict) {
          // RFC 6749 §4.1.2: a concurrent request redeemed the code first: this is its reuse.
          return refuse_reuse(grant_id, client_id, request_id, std::move(done));
        }
        if (status != StoreStatus::ok) {
          return done(unexpected(make_error(ErrorCode::server_error, "cannot record the token",
                                            std::string(store::to_string(status)))));
        }
        done(app_response(issued, std::move(refresh_token), std::move(context)));
      });
}

void AuthorizationCodeGrant::refuse_reuse(const std::string& grant_id, const std::string& client_id,
                                          const std::string& request_id, GrantDone done) const {
  // A security decision, audited where it is taken (the endpoint logs the error reply only).
  obs::audit("code_reuse",
             {{"client_id", client_id}, {"grant_id", grant_id}, {"request_id", request_id}});
  // RFC 6749 §4.1.2 / RFC 9700 §4.5 (TOKEN-4): revoke the grant, its refresh tokens and every
  // access token issued from the code; the answer waits until that is durable.
  deps_.grants.revoke(
      grant_id, deps_.clock.now_seconds(), [done = std::move(done), grant_id](StoreStatus status) {
        std::string internal =
            "code reused; grant " + grant_id + " revoked: " + std::string(store::to_string(status));
        done(unexpected(bad_grant("the code was already used", internal)));
      });
}

}  // namespace sa::oauth
