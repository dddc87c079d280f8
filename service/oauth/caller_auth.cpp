#include "oauth/caller_auth.hpp"

#include <memory>
#include <utility>

namespace sa::oauth {

Expected<Form, Error> caller_form(const http::Request& request) {
  // RFC 7662 §2.1 / RFC 7009 §2.1: a form-encoded POST.
  auto form = Form::from_request_body(request);
  if (!form) return unexpected(form.error());
  // RFC 6749 §2.3.1 (credentials), RFC 7662 §4 and RFC 7009 §2.1 (the token): never in the URL.
  if (!request.query.empty()) {
    return unexpected(make_error(ErrorCode::invalid_request,
                                 "parameters must be sent in the request body, not the URL"));
  }
  return form;
}

Error as_unauthorized(Error error) {
  if (error.code == ErrorCode::invalid_client) error.challenge = Challenge::basic;
  return error;
}

void authenticate_caller(const clientauth::ClientAuthenticator& authenticator,
                         const http::Request& request, const Form& form, CallerDone done) {
  authenticator.authenticate(
      request, form,
      [done = std::move(done)](Expected<clientauth::AuthenticatedClient, Error> client) mutable {
        if (!client) return done(unexpected(as_unauthorized(client.error())));
        if (!client->replay_claim) return done(std::move(client));
        // RFC 7523 §3 item 7: the jti is remembered before the request acts, and a replay is
        // answered as authentication answers it (audited and counted by the claim).
        auto authenticated = std::make_shared<clientauth::AuthenticatedClient>(std::move(*client));
        authenticated->replay_claim->commit_alone(
            [done = std::move(done), authenticated](std::optional<Error> rejected) {
              if (rejected) return done(unexpected(as_unauthorized(std::move(*rejected))));
              done(std::move(*authenticated));
            });
      });
}

}  // namespace sa::oauth
