// GET/POST /auth/userinfo (OIDC Core §5.3): the claims about the signed-in user that an access
// token with `openid` allows, the same as its id_token's (tokens::user_claims): sub, fhirUser
// with `fhirUser`, name with `profile`. The token comes as a Bearer header (RFC 6750 §2.1) or, on
// POST, as the form's access_token (§2.2); errors are RFC 6750 §3 challenges.
#pragma once

#include <string>

#include "http/router.hpp"
#include "obs/metrics.hpp"
#include "tokens/grant_store.hpp"
#include "tokens/token_inspector.hpp"
#include "util/clock.hpp"

namespace sa::oauth {

struct UserinfoDeps {
  const tokens::TokenInspector& inspector;
  tokens::GrantStore& grants;
  const Clock& clock;
  obs::Metrics& metrics;
};

class UserinfoEndpoint {
 public:
  explicit UserinfoEndpoint(UserinfoDeps deps);

  void handle(const http::Request& request, http::Responder done) const;
  http::Handler handler() const;

 private:
  UserinfoDeps d_;
};

}  // namespace sa::oauth
