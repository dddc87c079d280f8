// The one place a token, introspection or revocation request proves which client sent it:
// client_secret_basic, client_secret_post, private_key_jwt (RFC 7523, SMART Backend Services) or
// none (public clients). Checks the presented method against the registration, audits every
// failure with its exact reason (never with a secret or an assertion), and answers with
// oauth::Error values that tell the client only "client authentication failed". Failed attempts
// count against FailedAuthLimits (SMART App Launch 2.2, Client Confidential Symmetric: MUST
// rate-limit brute force).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "clientauth/assertion.hpp"
#include "clientauth/credentials.hpp"
#include "clientauth/failed_auth_limits.hpp"
#include "clientauth/jwks_resolver.hpp"
#include "clientauth/replay_store.hpp"
#include "clients/client_store.hpp"
#include "config/config.hpp"
#include "http/message.hpp"
#include "oauth_core/errors.hpp"
#include "oauth_core/form.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"

namespace sa::clientauth {

// A private_key_jwt assertion's jti, checked but not yet remembered (RFC 7523 §3 item 7). The
// request's own durable write runs write() first, in the same WriteFn, so the jti and what the
// request produced (its token) commit together or not at all: one commit per assertion request
// (issue 6 §4). A request that ends without such a write remembers the jti with commit_alone().
// Either way a replay, or a store failure of the claim itself, becomes the same audited and
// counted invalid_client / server_error that authentication answers for every other failure.
// Copies share one outcome.
class ReplayClaim {
 public:
  // Audits, counts and builds the error of a failed claim (the authenticator's fail()).
  using RejectFn = std::function<oauth::Error(AuthFailure reason, AssertionFailure detail)>;
  using SettledFn = std::function<void(std::optional<oauth::Error>)>;

  ReplayClaim(store::Database::WriteFn claim, ReplayStore& store, RejectFn reject);

  // The write to run first inside the request's own write: ok, or conflict for a replay (undoing
  // that whole write), or the store's failure. Records its own outcome for rejection().
  store::Database::WriteFn write() const;
  // Whether a write() ran (committed or not).
  bool ran() const;
  // After the write carrying write() is done: the error to answer instead of the request's own
  // result when the claim decided it (a replay, or the claim's own store failure); none when the
  // jti was accepted (the carrying write's status then decides the rest). Audits and counts the
  // failure: call it once per request.
  std::optional<oauth::Error> rejection() const;
  // Remembers the jti in a write of its own, then done(rejection()) on the writer thread.
  void commit_alone(SettledFn done) const;

 private:
  struct Shared {
    store::Database::WriteFn claim;
    ReplayStore& store;
    RejectFn reject;
    // -1 while no write() ran; otherwise the StoreStatus the claim returned.
    std::atomic<int> outcome{-1};
  };
  std::shared_ptr<Shared> shared_;
};

struct AuthenticatedClient {
  clients::ClientRecord client;
  std::string method;  // the token_endpoint_auth_method used
  // private_key_jwt only: the jti still to remember, in the caller's own durable write.
  std::optional<ReplayClaim> replay_claim;
};

struct ClientAuthenticatorSettings {
  std::string token_endpoint_url;  // the required assertion aud, e.g. public_base_url + "/auth/token"
  config::ClientAuthSettings client_auth;
};

class ClientAuthenticator {
 public:
  using DoneFn = std::function<void(Expected<AuthenticatedClient, oauth::Error>)>;
  // Where `done` runs after a jwks_uri fetch (on the fetch thread). Empty: run it right there.
  // When the keys are at hand (inline JWKS, cached jwks_uri) done runs on the caller's thread.
  using PostFn = std::function<void(std::function<void()>)>;

  // `limits` null: no brute-force limits (unit tests of everything else).
  ClientAuthenticator(ClientAuthenticatorSettings settings, clients::ClientStore& clients,
                      JwksResolver& keys, ReplayStore& replay, const Clock& clock,
                      PostFn post = {}, FailedAuthLimits* limits = nullptr);

  // done runs exactly once: inline for secrets, public clients and every early failure; for
  // private_key_jwt after the signature checked out, with the jti NOT yet remembered: the
  // success carries a replay_claim that the caller must commit (inside the write that records
  // what it issues, or with commit_alone()) and whose rejection() it must answer before acting
  // on the authentication. request and form need not outlive the call. The request is judged at
  // one instant, read from the clock on entry.
  void authenticate(const http::Request& request, const oauth::Form& form, DoneFn done) const;

 private:
  using Result = Expected<AuthenticatedClient, oauth::Error>;
  // One request: when it arrived (the only clock read), from where, on which route.
  struct Attempt {
    std::int64_t now = 0;
    std::string ip;
    std::string route;
  };

  void authenticate_assertion(Attempt at, Credentials presented, DoneFn done) const;
  void finish_assertion(const Attempt& at, clients::ClientRecord client, ParsedAssertion assertion,
                        KeySetResult keys, bool on_caller, DoneFn done) const;
  // done(result) right here when `on_caller`, else through post_.
  void complete(bool on_caller, DoneFn done, Result result) const;
  Result fail(const Attempt& at, AuthFailure reason, AuthMethod method, std::string_view client_id,
              AssertionFailure detail = AssertionFailure::Ok) const;
  std::optional<oauth::Error> refusal(const Attempt& at, std::string_view client_id) const;

  ClientAuthenticatorSettings settings_;
  AssertionPolicy policy_;
  clients::ClientStore& clients_;
  JwksResolver& keys_;
  ReplayStore& replay_;
  const Clock& clock_;
  PostFn post_;
  FailedAuthLimits* limits_;
};

}  // namespace sa::clientauth
