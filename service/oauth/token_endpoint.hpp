// POST /auth/token (RFC 6749 §3.2): parses the form, authenticates the client through the one
// client-authentication module, checks the client is registered for the grant type, and hands
// the request to the grant named by grant_type (an exact-match table). The endpoint alone
// replies, counts and audits, for every grant; grants only return a result. Grants are added
// by later work without touching this file.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clientauth/client_authenticator.hpp"
#include "http/router.hpp"
#include "oauth/grants/grant.hpp"
#include "obs/metrics.hpp"

namespace sa::oauth {

class TokenEndpoint {
 public:
  TokenEndpoint(const clientauth::ClientAuthenticator& authenticator, obs::Metrics& metrics);

  void add_grant(std::unique_ptr<Grant> grant);
  std::vector<std::string> grant_types() const;
  void handle(const http::Request& request, http::Responder done) const;
  http::Handler handler() const;

 private:
  void run_grant(const Grant& grant, Form form, clientauth::AuthenticatedClient client,
                 std::string request_id, http::Responder done) const;
  // Settles the assertion's replay claim, if any, then replies: a replay or the claim's store
  // failure overrides the grant's result; a claim the grant did not run is committed alone.
  void finish(const http::Responder& done, const std::optional<clientauth::ReplayClaim>& claim,
              std::string_view grant_type, std::string client_id, std::string request_id,
              GrantResult result) const;
  void reply(const http::Responder& done, std::string_view grant_type,
             std::string_view client_id, std::string_view request_id,
             const GrantResult& result) const;

  const clientauth::ClientAuthenticator& authenticator_;
  obs::Metrics& metrics_;
  std::map<std::string, std::unique_ptr<Grant>, std::less<>> grants_;
};

}  // namespace sa::oauth
