// POST /auth/revoke (RFC 7009): a client, authenticated as at the token endpoint (public clients
// by client_id), ends one of its own tokens. An access token is revoked by its jti; a refresh
// token ends its whole grant (the family and every access token of it, RFC 7009 §2.1). The
// answer is 200 whether or not anything was revoked: unknown tokens, and tokens of another client
// (which stay active, RFC 7009 §2.1), are only audited.
#pragma once

#include <cstdint>
#include <string>

#include "clientauth/client_authenticator.hpp"
#include "http/router.hpp"
#include "obs/metrics.hpp"
#include "tokens/grant_store.hpp"
#include "tokens/token_inspector.hpp"
#include "tokens/token_store.hpp"
#include "util/clock.hpp"

namespace sa::oauth {

struct RevocationDeps {
  const clientauth::ClientAuthenticator& authenticator;
  const tokens::TokenInspector& inspector;
  tokens::TokenStore& tokens;
  tokens::GrantStore& grants;
  const Clock& clock;
  obs::Metrics& metrics;
};

class RevocationEndpoint {
 public:
  explicit RevocationEndpoint(RevocationDeps deps);

  void handle(const http::Request& request, http::Responder done) const;
  http::Handler handler() const;

 private:
  void revoke(const oauth::Form& form, const clientauth::AuthenticatedClient& client,
              std::string request_id, http::Responder done) const;

  RevocationDeps d_;
};

}  // namespace sa::oauth
