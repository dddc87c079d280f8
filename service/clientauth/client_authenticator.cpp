#include "clientauth/client_authenticator.hpp"

#include <memory>
#include <thread>
#include <utility>

#include "crypto/hash.hpp"
#include "obs/log.hpp"

namespace sa::clientauth {
namespace {

using Result = Expected<AuthenticatedClient, oauth::Error>;
constexpr std::size_t kMaxLoggedIdChars = 128;

// What the client reads: the OAuth error code and its description. Every failed
// authentication, by secret or by assertion, reads the same: telling "unknown client" from
// "wrong secret", or "jwks_uri did not answer" from "unknown kid", would let a caller probe which
// clients exist and which addresses answer. The exact reason goes to the audit log only.
struct PublicFailure {
  oauth::ErrorCode code;
  const char* description;
};

PublicFailure public_failure(AuthFailure reason) {
  using oauth::ErrorCode;
  switch (reason) {
    // RFC 6749 §2.3 / §5.2: malformed requests, not failed authentication.
    case AuthFailure::MultipleMethods:
      return {ErrorCode::invalid_request, "more than one client authentication method used"};
    case AuthFailure::ClientIdMismatch:
      return {ErrorCode::invalid_request, "client_id does not match the credentials"};
    case AuthFailure::MissingAssertion:
      return {ErrorCode::invalid_request, "client_assertion is missing"};
    case AuthFailure::MissingAssertionType:
      return {ErrorCode::invalid_request, "client_assertion_type is missing"};
    case AuthFailure::StoreError: return {ErrorCode::server_error, "temporary failure, try again"};
    case AuthFailure::NoCredentials:
    case AuthFailure::MalformedBasic:
    case AuthFailure::MissingClientId:
    case AuthFailure::UnknownClient:
    case AuthFailure::MethodMismatch:
    case AuthFailure::NoSecretRegistered:
    case AuthFailure::SecretExpired:
    case AuthFailure::SecretMismatch:
    case AuthFailure::BadAssertion:
      return {ErrorCode::invalid_client, "client authentication failed"};
  }
  return {ErrorCode::invalid_client, "client authentication failed"};
}

}  // namespace

ClientAuthenticator::ClientAuthenticator(ClientAuthenticatorSettings settings,
                                         clients::ClientStore& clients, JwksResolver& keys,
                                         ReplayStore& replay, const Clock& clock, PostFn post,
                                         FailedAuthLimits* limits)
    : settings_(std::move(settings)),
      policy_{settings_.token_endpoint_url, settings_.client_auth.assertion_max_lifetime_s,
              settings_.client_auth.clock_skew_s},
      clients_(clients),
      keys_(keys),
      replay_(replay),
      clock_(clock),
      post_(std::move(post)),
      limits_(limits) {}

// Audits and builds the error, and counts a failed authentication against the limits. Basic
// failures carry the Basic challenge (RFC 6749 §5.2: 401); body-based ones answer 400 (RFC 6749
// §5.2; the ONC g10 kit expects 400).
ClientAuthenticator::Result ClientAuthenticator::fail(const Attempt& at, AuthFailure reason,
                                                      AuthMethod method,
                                                      std::string_view client_id,
                                                      AssertionFailure detail) const {
  const bool via_basic = method == AuthMethod::client_secret_basic;
  std::string reason_text(reason == AuthFailure::BadAssertion ? to_string(detail)
                                                              : to_string(reason));
  obs::audit("client_auth_failed",
             {{"client_id", std::string(client_id.substr(0, kMaxLoggedIdChars))},
              {"method", std::string(to_string(method))},
              {"ip", at.ip},
              {"reason", reason_text}});
  const PublicFailure shown = public_failure(reason);
  auto error = oauth::make_error(shown.code, shown.description,
                                 "client authentication: " + reason_text);
  if (error.code == oauth::ErrorCode::invalid_client) {
    if (via_basic) error.challenge = oauth::Challenge::basic;
    // SMART App Launch 2.2, Client Confidential Symmetric: MUST rate-limit brute force.
    if (limits_ != nullptr) limits_->record_failure(at.ip, client_id);
  }
  return unexpected(std::move(error));
}

std::optional<oauth::Error> ClientAuthenticator::refusal(const Attempt& at,
                                                         std::string_view client_id) const {
  if (limits_ == nullptr) return std::nullopt;
  return limits_->refusal(at.ip, client_id, at.route);
}

void ClientAuthenticator::authenticate(const http::Request& request, const oauth::Form& form,
                                       DoneFn done) const {
  // The clock is read once: every check of this request, including the replay window after a
  // slow jwks_uri fetch, is judged at the instant it arrived.
  Attempt at{clock_.now_seconds(), request.remote_addr, request.route_name};
  auto presented = read_credentials(request, form);
  if (!presented) {
    auto method = presented.error() == AuthFailure::MalformedBasic
                      ? AuthMethod::client_secret_basic
                      : AuthMethod::none;
    auto id = form.get("client_id").value_or("");
    if (auto refused = refusal(at, id)) return done(unexpected(std::move(*refused)));
    return done(fail(at, presented.error(), method, id));
  }
  Credentials c = std::move(*presented);
  // SMART App Launch 2.2, Client Confidential Symmetric (brute force): over the failure budget,
  // even a right credential is refused until the window ends.
  if (auto refused = refusal(at, c.client_id)) return done(unexpected(std::move(*refused)));
  if (c.method == AuthMethod::private_key_jwt) {
    authenticate_assertion(std::move(at), std::move(c), std::move(done));
    return;
  }
  auto found = clients_.find(c.client_id);
  if (!found) {
    auto reason = found.error() == store::StoreStatus::not_found ? AuthFailure::UnknownClient
                                                                 : AuthFailure::StoreError;
    return done(fail(at, reason, c.method, c.client_id));
  }
  // Issue 3 / RFC 7591 §2: the client authenticates only with the method it registered.
  if (found->token_endpoint_auth_method != to_string(c.method)) {
    return done(fail(at, AuthFailure::MethodMismatch, c.method, c.client_id));
  }
  if (c.method != AuthMethod::none) {
    if (found->secret_hash.empty()) {
      return done(fail(at, AuthFailure::NoSecretRegistered, c.method, c.client_id));
    }
    // RFC 7591 §3.2.1: client_secret_expires_at, 0 = never.
    if (found->secret_expires_at != 0 && at.now >= found->secret_expires_at) {
      return done(fail(at, AuthFailure::SecretExpired, c.method, c.client_id));
    }
    // Secrets are stored as SHA-256 and compared in constant time (STYLE: Secrets).
    if (!crypto::constant_time_equals(crypto::sha256_b64url(c.secret), found->secret_hash)) {
      return done(fail(at, AuthFailure::SecretMismatch, c.method, c.client_id));
    }
  }
  done(AuthenticatedClient{std::move(*found), std::string(to_string(c.method))});
}

void ClientAuthenticator::authenticate_assertion(Attempt at, Credentials c, DoneFn done) const {
  auto bad = [&](AssertionFailure detail) {
    return fail(at, AuthFailure::BadAssertion, c.method, c.client_id, detail);
  };
  // RFC 7521 §4.2, SMART CCA: exactly the jwt-bearer type; anything else is invalid_client, 400
  // (RFC 6749 §5.2; the ONC g10 kit requires 400 here).
  if (c.assertion_type != kJwtBearerAssertionType) return done(bad(AssertionFailure::BadType));
  auto parsed = parse_assertion(c.assertion);
  if (!parsed) return done(bad(parsed.error()));
  const auto& iss = parsed->claims.iss;
  if (!iss || iss->empty()) return done(bad(AssertionFailure::IssSubMismatch));
  // SMART CCA / RFC 7521 §4.2: a client_id in the body must be the assertion's client.
  if (!c.client_id.empty() && c.client_id != *iss) {
    return done(bad(AssertionFailure::ClientIdMismatch));
  }
  c.client_id = *iss;
  // SMART App Launch 2.2, Client Confidential Symmetric (brute force): now that the client is
  // named, its own failure budget applies too.
  if (auto refused = refusal(at, c.client_id)) return done(unexpected(std::move(*refused)));
  auto found = clients_.find(c.client_id);
  if (!found) {
    if (found.error() != store::StoreStatus::not_found) {
      return done(fail(at, AuthFailure::StoreError, c.method, c.client_id));
    }
    return done(bad(AssertionFailure::UnknownClient));
  }
  if (found->token_endpoint_auth_method != to_string(AuthMethod::private_key_jwt)) {
    return done(fail(at, AuthFailure::MethodMismatch, c.method, c.client_id));
  }
  auto checked = check_assertion(*parsed, *found, policy_, at.now);
  if (checked != AssertionFailure::Ok) return done(bad(checked));

  std::string kid = *parsed->jws.header.kid;
  auto client = std::make_shared<clients::ClientRecord>(std::move(*found));
  auto assertion = std::make_shared<ParsedAssertion>(std::move(*parsed));
  // The keys come inline (an inline JWKS, a cached jwks_uri) or on the fetch thread.
  const std::thread::id caller = std::this_thread::get_id();
  keys_.resolve(*client, kid,
                [this, at = std::move(at), client, assertion, done = std::move(done),
                 caller](KeySetResult keys) {
                  const bool on_caller = std::this_thread::get_id() == caller;
                  finish_assertion(at, std::move(*client), std::move(*assertion), std::move(keys),
                                   on_caller, done);
                });
}

void ClientAuthenticator::finish_assertion(const Attempt& at, clients::ClientRecord client,
                                           ParsedAssertion assertion, KeySetResult keys,
                                           bool on_caller, DoneFn done) const {
  const std::string id = client.client_id;
  auto bad = [&](AssertionFailure detail) {
    return fail(at, AuthFailure::BadAssertion, AuthMethod::private_key_jwt, id, detail);
  };
  if (!keys) return complete(on_caller, done, bad(keys.error()));
  auto verified = verify_assertion_signature(assertion, **keys);
  if (verified != AssertionFailure::Ok) return complete(on_caller, done, bad(verified));
  // RFC 7523 §3 item 7, SMART CCA: remember the jti through the last second the assertion could
  // be accepted (check_assertion accepts up to exp + skew inclusive), judged at the request's
  // own `now` however long the key fetch took. The caller commits the claim in the write that
  // records its token (one commit per request) and answers only once that is durable.
  std::int64_t last_acceptable = *assertion.claims.exp + settings_.client_auth.clock_skew_s;
  ReplayClaim claim(replay_.claim(id, *assertion.claims.jti, last_acceptable, at.now), replay_,
                    [this, at, id](AuthFailure reason, AssertionFailure detail) {
                      return fail(at, reason, AuthMethod::private_key_jwt, id, detail).error();
                    });
  complete(on_caller, done,
           AuthenticatedClient{std::move(client), "private_key_jwt", std::move(claim)});
}

ReplayClaim::ReplayClaim(store::Database::WriteFn claim, ReplayStore& store, RejectFn reject)
    : shared_(std::make_shared<Shared>(std::move(claim), store, std::move(reject))) {}

store::Database::WriteFn ReplayClaim::write() const {
  return [shared = shared_](store::Connection& conn) {
    const store::StoreStatus status = shared->claim(conn);
    shared->outcome.store(static_cast<int>(status), std::memory_order_release);
    return status;
  };
}

bool ReplayClaim::ran() const { return shared_->outcome.load(std::memory_order_acquire) >= 0; }

std::optional<oauth::Error> ReplayClaim::rejection() const {
  const int outcome = shared_->outcome.load(std::memory_order_acquire);
  if (outcome < 0 || static_cast<store::StoreStatus>(outcome) == store::StoreStatus::ok) {
    return std::nullopt;
  }
  // RFC 7523 §3 item 7: a jti seen before within its lifetime is a replay.
  if (static_cast<store::StoreStatus>(outcome) == store::StoreStatus::conflict) {
    return shared_->reject(AuthFailure::BadAssertion, AssertionFailure::Replayed);
  }
  return shared_->reject(AuthFailure::StoreError, AssertionFailure::Ok);
}

void ReplayClaim::commit_alone(SettledFn done) const {
  shared_->store.commit_alone(
      write(), [claim = *this, done = std::move(done)](store::StoreStatus status) {
        auto rejected = claim.rejection();
        if (!rejected && status != store::StoreStatus::ok) {
          // The claim ran but its batch did not commit (or it never ran): the jti is not
          // remembered.
          rejected = claim.shared_->reject(AuthFailure::StoreError, AssertionFailure::Ok);
        }
        done(std::move(rejected));
      });
}

void ClientAuthenticator::complete(bool on_caller, DoneFn done, Result result) const {
  // Still on the caller's thread (the I/O thread): no hop, as for a client secret. Only what
  // arrived on the fetch thread moves to the workers.
  if (on_caller || !post_) return done(std::move(result));
  post_([done = std::move(done), result = std::make_shared<Result>(std::move(result))]() {
    done(std::move(*result));
  });
}

}  // namespace sa::clientauth
