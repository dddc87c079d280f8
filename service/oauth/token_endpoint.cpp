#include "oauth/token_endpoint.hpp"

#include <algorithm>

#include "oauth/caller_auth.hpp"
#include "obs/log.hpp"
#include "oauth_core/reply.hpp"

namespace sa::oauth {
namespace {
constexpr std::string_view kEndpoint = "token";

bool registered_for(const clientauth::AuthenticatedClient& client, std::string_view grant_type) {
  const auto& grants = client.client.grant_types;
  return std::find(grants.begin(), grants.end(), grant_type) != grants.end();
}
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
  // RFC 6749 §3.2: form-encoded POST; a parameter sent twice is invalid_request (§3.1); and
  // (§2.3.1) secrets are never accepted in the query string.
  auto form = caller_form(request);
  if (!form) return fail(form.error());
  auto grant_type = form->get("grant_type");
  if (!grant_type) return fail(make_error(ErrorCode::invalid_request, "grant_type is required"));
  auto grant = grants_.find(*grant_type);
  if (grant == grants_.end()) {
    // RFC 6749 §5.2: unsupported_grant_type.
    return fail(make_error(ErrorCode::unsupported_grant_type,
                           "grant_type " + std::string(*grant_type) + " is not supported"));
  }
  const Grant* chosen = grant->second.get();
  authenticator_.authenticate(
      request, *form,
      [this, chosen, form = *form, done, request_id = request.request_id](
          Expected<clientauth::AuthenticatedClient, Error> client) mutable {
        if (!client) return reply_error(done, client.error(), kEndpoint, request_id, metrics_);
        run_grant(*chosen, std::move(form), std::move(client).value(), std::move(request_id),
                  std::move(done));
      });
}

void TokenEndpoint::run_grant(const Grant& grant, Form form,
                              clientauth::AuthenticatedClient client, std::string request_id,
                              http::Responder done) const {
  std::string client_id = client.client.client_id;
  // RFC 6749 §5.2 unauthorized_client: "The authenticated client is not authorized to use this
  // authorization grant type." What the client registered decides, for every grant.
  if (!registered_for(client, grant.grant_type())) {
    return finish(done, client.replay_claim, grant.grant_type(), std::move(client_id),
                  std::move(request_id),
                  unexpected(make_error(
                      ErrorCode::unauthorized_client,
                      "this client is not registered for " + std::string(grant.grant_type()))));
  }
  auto claim = client.replay_claim;
  TokenRequest token_request{std::move(form), std::move(client), request_id};
  grant.handle(token_request,
               [this, &grant, done = std::move(done), claim = std::move(claim),
                client_id = std::move(client_id), request_id](GrantResult result) mutable {
                 finish(done, claim, grant.grant_type(), std::move(client_id),
                        std::move(request_id), std::move(result));
               });
}

void TokenEndpoint::finish(const http::Responder& done,
                           const std::optional<clientauth::ReplayClaim>& claim,
                           std::string_view grant_type, std::string client_id,
                           std::string request_id, GrantResult result) const {
  if (!claim) return reply(done, grant_type, client_id, request_id, result);
  if (claim->ran()) {
    // RFC 7523 §3 item 7: the jti was claimed in the grant's own write; a replay undid that write
    // (no token recorded) and is answered as authentication answers it, audited and counted.
    if (auto rejected = claim->rejection()) result = unexpected(std::move(*rejected));
    return reply(done, grant_type, client_id, request_id, result);
  }
  // Nothing carried the claim (a grant that records nothing, client_credentials, or one that
  // failed before its write): the jti is remembered alone, and the answer, a token or an error,
  // leaves only once it is durable; a replay answers as one (RFC 7523 §3 item 7).
  claim->commit_alone([this, done, grant_type, client_id = std::move(client_id),
                       request_id = std::move(request_id),
                       result = std::move(result)](std::optional<Error> rejected) mutable {
    if (rejected) result = unexpected(std::move(*rejected));
    reply(done, grant_type, client_id, request_id, result);
  });
}

void TokenEndpoint::reply(const http::Responder& done, std::string_view grant_type,
                          std::string_view client_id, std::string_view request_id,
                          const GrantResult& result) const {
  if (!result) return reply_error(done, result.error(), kEndpoint, request_id, metrics_);
  count_token_issued(metrics_, grant_type);
  obs::audit("token_issued", {{"grant_type", std::string(grant_type)},
                              {"client_id", std::string(client_id)},
                              {"jti", result->jti},
                              {"scope", result->response.scope},
                              {"request_id", std::string(request_id)}});
  done(token_response(result->response));
}

http::Handler TokenEndpoint::handler() const {
  return [this](const http::Request& request, http::Responder done) {
    handle(request, std::move(done));
  };
}

}  // namespace sa::oauth
