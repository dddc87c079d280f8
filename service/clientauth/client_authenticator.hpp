// The one place a token, introspection or revocation request proves which client sent it:
// client_secret_basic, client_secret_post, private_key_jwt (RFC 7523, SMART Backend Services) or
// none (public clients). Checks the presented method against the registration, audits every
// failure (never with a secret or an assertion) and answers with oauth::Error values.
#pragma once

#include <functional>
#include <string>

#include "clientauth/assertion.hpp"
#include "clientauth/credentials.hpp"
#include "clientauth/jwks_resolver.hpp"
#include "clientauth/replay_store.hpp"
#include "config/config.hpp"
#include "http/message.hpp"
#include "oauth/errors.hpp"
#include "oauth/form.hpp"
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

  ClientAuthenticator(ClientAuthenticatorSettings settings, clients::ClientStore& clients,
                      JwksResolver& keys, ReplayStore& replay, const Clock& clock,
                      PostFn post = {});

  // done runs exactly once: inline for secrets, public clients and every early failure; for
  // private_key_jwt only after the jti has been durably recorded. request and form need not
  // outlive the call.
  void authenticate(const http::Request& request, const oauth::Form& form, DoneFn done) const;

 private:
  void authenticate_assertion(Credentials presented, DoneFn done) const;
  void finish_assertion(clients::ClientRecord client, ParsedAssertion assertion, KeySetResult keys,
                        DoneFn done) const;
  void complete_async(DoneFn done, Expected<AuthenticatedClient, oauth::Error> result) const;

  ClientAuthenticatorSettings settings_;
  AssertionPolicy policy_;
  clients::ClientStore& clients_;
  JwksResolver& keys_;
  ReplayStore& replay_;
  const Clock& clock_;
  PostFn post_;
};

}  // namespace sa::clientauth
