// POST /auth/token (RFC 6749 §3.2): parses the form, authenticates the client through the one
// client-authentication module, and hands the request to the grant named by grant_type (an
// exact-match table). Grants are added by later work without touching this file.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "clientauth/client_authenticator.hpp"
#include "http/router.hpp"
#include "obs/metrics.hpp"
#include "oauth/grants/grant.hpp"

namespace sa::oauth {

class TokenEndpoint {
 public:
  TokenEndpoint(const clientauth::ClientAuthenticator& authenticator, obs::Metrics& metrics);

  void add_grant(std::unique_ptr<Grant> grant);
  std::vector<std::string> grant_types() const;
  void handle(const http::Request& request, http::Responder done) const;
  http::Handler handler() const;

 private:
  const clientauth::ClientAuthenticator& authenticator_;
  obs::Metrics& metrics_;
  std::map<std::string, std::unique_ptr<Grant>, std::less<>> grants_;
};

}  // namespace sa::oauth
