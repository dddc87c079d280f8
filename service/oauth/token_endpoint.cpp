#include "oauth/token_endpoint.hpp"

#include "oauth/reply.hpp"

namespace sa::oauth {
namespace {
constexpr std::string_view kEndpoint = "token";
}  // namespace

TokenEndpoint::TokenEndpoint(const clientauth::ClientAuthenticator& authenticator,
                             obs::Metrics& metrics)
    : authenticator_(authenticator), metrics_(metrics) {}

void TokenEndpoint::add_grant(std::unique_ptr<Grant> grant) {
  std::string name(grant->grant_type());
  grants_.emplace(std::move(name), std::move(grant));
}

std::vector<std::string> TokenEndpoint::grant_types() const {
  std::vector<std::string> out;
  for (const auto& [name, grant] : grants_) out.push_back(name);
  return out;
}

void TokenEndpoint::handle(const http::Request& request, http::Responder done) const {
  auto fail = [&](const Error& e) { reply_error(done, e, kEndpoint, request.request_id, metrics_); };
  // TOKEN-1: form-encoded POST only; a parameter sent twice is invalid_request (RFC 6749 §3.2).
  auto form = Form::from_request_body(request);
  if (!form) return fail(form.error());
  // RFC 6749 §2.3.1: secrets are never accepted in the query string.
  if (!request.query.empty()) {
    return fail(make_error(ErrorCode::invalid_request,
                           "parameters must be sent in the request body, not the URL"));
  }
  auto grant_type = form->get("grant_type");
  if (!grant_type) return fail(make_error(ErrorCode::invalid_request, "grant_type is required"));
  auto grant = grants_.find(*grant_type);
  if (grant == grants_.end()) {
    // TOKEN-11: exactly 400 unsupported_grant_type.
    return fail(make_error(ErrorCode::unsupported_grant_type,
                           "grant_type " + std::string(*grant_type) + " is not supported"));
  }
  const Grant* chosen = grant->second.get();
  authenticator_.authenticate(
      request, *form,
      [this, chosen, form = *form, done, request_id = request.request_id](
          Expected<clientauth::AuthenticatedClient, Error> client) mutable {
        if (!client) {
          reply_error(done, client.error(), kEndpoint, request_id, metrics_);
          return;
        }
        TokenRequest token_request{std::move(form), std::move(client).value(), request_id};
        chosen->handle(token_request, done);
      });
}

http::Handler TokenEndpoint::handler() const {
  return [this](const http::Request& request, http::Responder done) {
    handle(request, std::move(done));
  };
}

}  // namespace sa::oauth
