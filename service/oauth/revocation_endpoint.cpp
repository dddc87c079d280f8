#include "oauth/revocation_endpoint.hpp"

#include <utility>

#include "oauth/caller_auth.hpp"
#include "oauth_core/reply.hpp"
#include "obs/log.hpp"
#include "tokens/access_token.hpp"

namespace sa::oauth {
namespace {

constexpr std::string_view kEndpoint = "revoke";

// RFC 7009 §2.2: 200 for a revoked token and for one that was invalid or unknown alike; the body
// is ignored by the client.
http::Response revoked() {
  http::Response res;
  res.status = 200;
  return res;
}

Error unavailable(std::string internal) {
  // RFC 7009 §2.2.1: 503 when the server cannot revoke now; the client retries.
  return make_error(ErrorCode::temporarily_unavailable, "try again later", std::move(internal));
}

}  // namespace

RevocationEndpoint::RevocationEndpoint(RevocationDeps deps) : d_(std::move(deps)) {}

void RevocationEndpoint::handle(const http::Request& request, http::Responder done) const {
  auto fail = [&](const Error& e) {
    reply_error(done, e, kEndpoint, request.request_id, d_.metrics);
  };
  auto form = caller_form(request);
  if (!form) return fail(form.error());
  // RFC 7009 §2.1: the client authenticates as at the token endpoint; public clients by
  // client_id.
  authenticate_caller(d_.authenticator, request, *form,
                      [this, form = *form, done, request_id = request.request_id](
                          Expected<clientauth::AuthenticatedClient, Error> client) mutable {
                        if (!client) {
                          return reply_error(done, client.error(), kEndpoint, request_id,
                                             d_.metrics);
                        }
                        revoke(form, *client, std::move(request_id), std::move(done));
                      });
}

void RevocationEndpoint::revoke(const Form& form, const clientauth::AuthenticatedClient& client,
                                std::string request_id, http::Responder done) const {
  auto fail = [&](const Error& e) { reply_error(done, e, kEndpoint, request_id, d_.metrics); };
  // RFC 7009 §2.1: token is REQUIRED.
  auto token = form.get("token");
  if (!token) return fail(make_error(ErrorCode::invalid_request, "token is required"));
  const std::string caller = client.client.client_id;
  const std::int64_t now = d_.clock.now_seconds();
  const std::string fingerprint = obs::fingerprint(*token);
  // RFC 7009 §2.1: another client's token is not revoked, and the caller is not told so (it could
  // otherwise probe for valid tokens); the audit log is.
  auto refuse = [&](std::string_view kind, const std::string& owner) {
    obs::audit("token_revocation_refused", {{"client_id", caller},
                                            {"owner", owner},
                                            {"token_kind", std::string(kind)},
                                            {"token", fingerprint},
                                            {"request_id", request_id}});
    done(revoked());
  };
  // RFC 7009 §2.1: the hint only orders the search; the other kind is tried too.
  const bool refresh_first =
      form.get("token_type_hint") == std::optional<std::string_view>("refresh_token");
  // Each lookup either handles the request (revokes, refuses, or fails) or finds nothing.
  auto as_access = [&]() -> bool {
    auto access = d_.inspector.find_access_token(*token);
    if (!access) {
      if (access.error() != tokens::Inactive::store_error) return false;
      fail(unavailable("reading access token"));
      return true;
    }
    if (access->record.client_id != caller) {
      refuse("access_token", access->record.client_id);
      return true;
    }
    // RFC 7009 §2: the access token itself (its jti); an already revoked one stays so.
    auto settled = [this, done, caller, jti = access->record.jti,
                    request_id](store::StoreStatus s) {
      // constraint: an unrecorded token's client was deleted meanwhile, which ended the token.
      if (s != store::StoreStatus::ok && s != store::StoreStatus::not_found &&
          s != store::StoreStatus::constraint) {
        return reply_error(
            done, unavailable("revoking access token: " + std::string(store::to_string(s))),
            kEndpoint, request_id, d_.metrics);
      }
      obs::audit("token_revoked", {{"client_id", caller},
                                   {"token_kind", "access_token"},
                                   {"jti", jti},
                                   {"request_id", request_id}});
      done(revoked());
    };
    if (!tokens::is_unrecorded_jti(access->record.jti)) {
      d_.tokens.revoke(access->record.jti, now, std::move(settled));
    } else if (access->record.revoked_at) {
      settled(store::StoreStatus::ok);  // ended already: by its row, its client, or a cut-off
    } else {
      // An unrecorded token (client_credentials) gets its row now, revoked (migration 0010).
      d_.tokens.record_revoked(std::move(access).value().record, now, std::move(settled));
    }
    return true;
  };
  auto as_refresh = [&]() -> bool {
    auto refresh = d_.inspector.find_refresh_token(*token);
    if (!refresh) {
      if (refresh.error() != tokens::Inactive::store_error) return false;
      fail(unavailable("reading refresh token"));
      return true;
    }
    if (refresh->grant.client_id != caller) {
      refuse("refresh_token", refresh->grant.client_id);
      return true;
    }
    // RFC 7009 §2.1: revoking a refresh token ends the authorization it belongs to: every
    // refresh token of the family and every access token issued from it.
    d_.grants.revoke(
        refresh->grant.grant_id, now,
        [this, done, caller, grant_id = refresh->grant.grant_id, request_id](store::StoreStatus s) {
          if (s != store::StoreStatus::ok) {
            return reply_error(done,
                               unavailable("revoking grant: " + std::string(store::to_string(s))),
                               kEndpoint, request_id, d_.metrics);
          }
          obs::audit("grant_revoked", {{"client_id", caller},
                                       {"grant_id", grant_id},
                                       {"reason", "refresh_token_revoked"},
                                       {"request_id", request_id}});
          done(revoked());
        });
    return true;
  };
  const bool handled =
      refresh_first ? (as_refresh() || as_access()) : (as_access() || as_refresh());
  if (handled) return;
  // RFC 7009 §2.2: an invalid or unknown token is answered 200 as well.
  obs::audit("token_revocation_unknown",
             {{"client_id", caller}, {"token", fingerprint}, {"request_id", request_id}});
  done(revoked());
}

http::Handler RevocationEndpoint::handler() const {
  return [this](const http::Request& request, http::Responder done) {
    handle(request, std::move(done));
  };
}

}  // namespace sa::oauth
