// The one place a token, introspection or revocation request proves which client sent it:
// client_secret_basic, client_secret_post, private_key_jwt (RFC 7523, SMART Backend Services) or
// none (public clients). Checks the presented method against the registration, audits every
// failure with its exact reason (never with a secret or an assertion), and answers with
// oauth::Error values that tell the client only "client authentication failed". Failed attempts
// count against FailedAuthLimits (SMART App Launch 2.2, Client Confidential Symmetric: MUST
// rate-limit brute force).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "clientauth/assertion.hpp"
#include "clientauth/credentials.hpp"
#include "clientauth/failed_auth_limits.hpp"
#include "clientauth/jwks_resolver.hpp"
#include "clientauth/replay_store.hpp"
#include "config/config.hpp"
#include "http/message.hpp"
#include "oauth_core/errors.hpp"
#include "oauth_core/form.hpp"
#include "clients/client_store.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"

namespace sa::clientauth {

struct AuthenticatedClient {
  clients::ClientRecord client;
  std::string method;  // the token_endpoint_auth_method used
};

struct ClientAuthenticatorSettings {
  std::string token_endpoint_url;  // the required assertion aud, e.g. public_base_url + "/auth/token"
  config::ClientAuthSettings client_auth;
};

class ClientAuthenticator {
 public:
  using DoneFn = std::function<void(Expected<AuthenticatedClient, oauth::Error>)>;
  // Where `done` runs after an asynchronous step (the replay write completes on the store's
  // writer thread, a jwks_uri fetch on the fetch thread). Empty: run it right there.
  using PostFn = std::function<void(std::function<void()>)>;

  // `limits` null: no brute-force limits (unit tests of everything else).
  ClientAuthenticator(ClientAuthenticatorSettings settings, clients::ClientStore& clients,
                      JwksResolver& keys, ReplayStore& replay, const Clock& clock,
                      PostFn post = {}, FailedAuthLimits* limits = nullptr);

  // done runs exactly once: inline for secrets, public clients and every early failure; for
  // private_key_jwt only after the jti has been durably recorded. request and form need not
  // outlive the call. The request is judged at one instant, read from the clock on entry.
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
                        KeySetResult keys, DoneFn done) const;
  void complete_async(DoneFn done, Result result) const;
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
