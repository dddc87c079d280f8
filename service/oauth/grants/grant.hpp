// One grant type of the token endpoint (RFC 6749 §4). The endpoint has already parsed the form,
// authenticated the client and checked that the client is registered for this grant type; a
// grant checks its own parameters, issues and records what it issues, and hands back either the
// token response or an oauth::Error. A grant that records what it issues runs
// request.claim_write() first in that same write; a grant that records nothing leaves the claim
// to the endpoint, which commits it alone before the token leaves. A grant never replies, counts
// or logs: the endpoint does that in one place for every grant. One grant per file; dispatch is
// by exact grant_type match.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "clientauth/client_authenticator.hpp"
#include "oauth_core/errors.hpp"
#include "oauth_core/form.hpp"
#include "oauth_core/token_response.hpp"
#include "util/expected.hpp"

namespace sa::oauth {

struct TokenRequest {
  Form form;
  clientauth::AuthenticatedClient client;
  std::string request_id;

  // What a grant's recording write must run first, in the same write (TokenStore::record's
  // `first`): the assertion's replay claim, or nothing for other client authentication. One
  // commit per request (issue 6 §4). When no write of the grant ran the claim (the grant failed
  // before recording, or records nothing), the endpoint remembers the jti alone, and answers
  // only once that committed.
  store::Database::WriteFn claim_write() const {
    return client.replay_claim ? client.replay_claim->write() : store::Database::WriteFn{};
  }
};

// What a grant issued: the response body, and the access token's jti for the audit line.
struct Granted {
  TokenResponse response;
  std::string jti;
};

using GrantResult = Expected<Granted, Error>;
// Called exactly once, from any thread.
using GrantDone = std::function<void(GrantResult)>;

class Grant {
 public:
  virtual ~Grant() = default;
  virtual std::string_view grant_type() const = 0;
  virtual void handle(const TokenRequest& request, GrantDone done) const = 0;
};

}  // namespace sa::oauth
