// One grant type of the token endpoint (RFC 6749 §4). The endpoint has already parsed the form
// and authenticated the client; a grant checks its own parameters, issues, and answers through
// the responder. One grant per file; the endpoint dispatches by exact grant_type match.
#pragma once

#include <string>
#include <string_view>

#include "clientauth/client_authenticator.hpp"
#include "http/message.hpp"
#include "oauth/form.hpp"

namespace sa::oauth {

struct TokenRequest {
  Form form;
  clientauth::AuthenticatedClient client;
  std::string request_id;
};

class Grant {
 public:
  virtual ~Grant() = default;
  virtual std::string_view grant_type() const = 0;
  virtual void handle(const TokenRequest& request, http::Responder done) const = 0;
};

}  // namespace sa::oauth
