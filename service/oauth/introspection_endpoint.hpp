// POST /auth/introspect (RFC 7662; SMART App Launch 2.2 "Token Introspection"): a registered
// confidential client (the one ClientAuthenticator) or a configured resource server (HTTP Basic)
// asks whether an access or refresh token of this server is active. Inactive tokens of every
// kind (unknown, expired, revoked, malformed, another issuer's) get exactly {"active":false};
// active ones their scope, client, subject, times and launch context. Every answer is audited.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "clientauth/client_authenticator.hpp"
#include "clientauth/failed_auth_limits.hpp"
#include "http/router.hpp"
#include "oauth/resource_servers.hpp"
#include "oauth_core/form.hpp"
#include "obs/metrics.hpp"
#include "tokens/token_inspector.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"

namespace sa::oauth {

struct IntrospectionDeps {
  const clientauth::ClientAuthenticator& authenticator;
  const tokens::TokenInspector& inspector;
  const ResourceServers& resource_servers;
  clientauth::FailedAuthLimits* limits;  // null: no brute-force limits
  std::string issuer;                    // server.public_base_url: the tokens' iss
  const Clock& clock;
  obs::Metrics& metrics;
};

// Who asked, for the audit log.
struct Introspector {
  std::string kind;  // "client" or "resource_server"
  std::string id;
  std::string description;  // a resource server's, from the config
};

class IntrospectionEndpoint {
 public:
  explicit IntrospectionEndpoint(IntrospectionDeps deps);

  void handle(const http::Request& request, http::Responder done) const;
  http::Handler handler() const;

  // The answer for the form's token at `now` (exposed for unit tests): {"active":false} or the
  // active token's members; an error only when the token cannot be looked up.
  Expected<http::Response, Error> introspect(const Form& form, const Introspector& caller,
                                             std::int64_t now, std::string_view request_id) const;

 private:
  // A Basic header naming a configured resource server: its check and the introspection. False
  // when the header names no resource server (the caller is then a client).
  bool try_resource_server(const http::Request& request, const Form& form,
                           const http::Responder& done) const;

  IntrospectionDeps d_;
};

}  // namespace sa::oauth
