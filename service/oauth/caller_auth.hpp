// Client authentication for the endpoints beside the token endpoint (introspection RFC 7662 §2.1,
// revocation RFC 7009 §2.1): the one ClientAuthenticator, then the private_key_jwt replay claim
// remembered in a write of its own (these endpoints record nothing the claim could ride in), and
// its rejection answered. A failed client authentication is 401 here, whatever the method.
#pragma once

#include <functional>

#include "clientauth/client_authenticator.hpp"
#include "http/message.hpp"
#include "oauth_core/errors.hpp"
#include "oauth_core/form.hpp"
#include "util/expected.hpp"

namespace sa::oauth {

// The request's parameters as these endpoints and the token endpoint take them: a form-encoded
// POST body (RFC 6749 §3.2, RFC 7662 §2.1, RFC 7009 §2.1), with nothing in the URL
// (invalid_request otherwise).
Expected<Form, Error> caller_form(const http::Request& request);

using CallerDone = std::function<void(Expected<clientauth::AuthenticatedClient, Error>)>;

// done runs exactly once, from any thread, with a client whose assertion (if any) is remembered.
void authenticate_caller(const clientauth::ClientAuthenticator& authenticator,
                         const http::Request& request, const Form& form, CallerDone done);

// invalid_client as these endpoints answer it: 401 with a Basic challenge (RFC 7662 §2.3,
// RFC 7009 §2.1 via RFC 6749 §5.2: "MAY return 401"), so a caller always learns it must
// authenticate, however it presented itself.
Error as_unauthorized(Error error);

}  // namespace sa::oauth
