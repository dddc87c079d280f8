#include "clients/registration_endpoint.hpp"

#include "clients/client_information.hpp"
#include "clients/endpoint_support.hpp"
#include "clients/metadata.hpp"
#include "clients/registration_policy.hpp"
#include "clients/secrets.hpp"
#include "oauth_core/reply.hpp"
#include "obs/log.hpp"

namespace sa::clients {
namespace {

using oauth::ErrorCode;

constexpr std::string_view kEndpoint = "register";  // the metrics and log label

oauth::Error bearer_error(std::string description) {
  oauth::Error error = oauth::make_error(ErrorCode::invalid_token, std::move(description));
  error.challenge = oauth::Challenge::bearer;  // RFC 6750 §3: 401 with WWW-Authenticate
  return error;
}

// Who may register, and the cap a client registered by this request may hold (CONTRACT
// "Registration policy"). closed: RFC 7591 §3 leaves refusing registration to server policy and
// has no code for it, so this is RFC 6749's access_denied with 403 (the caller is not authorised,
// and no credential would help).
struct Admission {
  std::string cap;                       // space-separated max_scope
  const AcceptedToken* token = nullptr;  // the initial access token presented, if any
};

Expected<Admission, oauth::Error> admit(const RegistrationServices& s,
                                        const http::Request& request) {
  const config::RegistrationSettings& settings = s.config.registration;
  switch (settings.mode) {
    case config::RegistrationMode::closed:
      return unexpected(
          oauth::make_error(ErrorCode::access_denied, "client registration is closed"));
    case config::RegistrationMode::open:
    case config::RegistrationMode::initial_access_token: break;
  }
  // RFC 7591 §3: the initial access token is presented as an OAuth 2.0 Bearer token.
  if (!request.header("Authorization")) {
    if (settings.mode == config::RegistrationMode::initial_access_token) {
      return unexpected(bearer_error("an initial access token is required"));
    }
    return Admission{.cap = settings.max_scope};
  }
  // RFC 6750 §3.1: a presented token that is not valid is refused, in open mode too, rather than
  // silently registering the client with the lower cap.
  auto token = bearer_token(request);
  if (!token) {
    return unexpected(
        bearer_error("the initial access token must be sent as Authorization: Bearer"));
  }
  const AcceptedToken* accepted = s.initial_access_tokens.match(*token);
  if (accepted == nullptr) {
    oauth::Error error = bearer_error("the initial access token is not valid");
    error.internal = "initial access token rejected, fingerprint " + obs::fingerprint(*token);
    return unexpected(std::move(error));
  }
  return Admission{.cap = accepted->max_scope, .token = accepted};
}

struct AuditFields {
  std::string client_id, method, scope, requested_scope, token_description, token_fingerprint;
};

void refuse(const RegistrationServices& s, const http::Request& request,
            const http::Responder& respond, const oauth::Error& error) {
  obs::audit("client_registration_rejected",
             {{"request_id", request.request_id},
              {"error", std::string(to_string(error.code))},
              {"reason", error.internal.empty() ? error.description : error.internal}});
  oauth::reply_error(respond, error, kEndpoint, request.request_id, s.metrics);
}

}  // namespace

http::Handler registration_endpoint(const RegistrationServices& s) {
  return [s](const http::Request& request, http::Responder respond) {
    auto admission = admit(s, request);
    if (!admission) return refuse(s, request, respond, admission.error());
    // RFC 7591 §3: the client metadata is sent as application/json.
    if (!has_json_content_type(request)) {
      return refuse(s, request, respond,
                    oauth::make_error(ErrorCode::invalid_request,
                                      "Content-Type must be application/json"));
    }
    auto parsed = parse_client_metadata(request.body);
    if (!parsed) return refuse(s, request, respond, parsed.error());
    ClientMetadata& metadata = parsed->metadata;
    const std::string requested_scope = metadata.scope;
    if (auto err = apply_registration_policy(metadata, admission->cap,
                                             s.config.tokens.client_credentials_auth_methods)) {
      return refuse(s, request, respond, *err);
    }

    const std::int64_t now = s.clock.now_seconds();
    ClientRecord record = record_from_metadata(new_client_id(s.random), metadata);
    record.issued_at = now;
    record.max_scope = admission->cap;  // RFC 7592 updates stay within it
    IssuedFields issued{.client_id_issued_at = now};
    if (uses_client_secret(metadata.token_endpoint_auth_method)) {
      issued.client_secret = issue_client_secret(
          record, s.random, now, s.config.registration.client_secret_lifetime_s);
      // RFC 7591 §3.2.1: client_secret_expires_at is required with a secret; 0 = never.
      issued.client_secret_expires_at = record.secret_expires_at;
    }
    // RFC 7592 §3: the registration access token and client configuration URI.
    issued.registration_access_token = new_registration_access_token(s.random);
    issued.registration_client_uri =
        client_configuration_uri(s.config.server.public_base_url, record.client_id);
    record.registration_token_hash = hash_secret(issued.registration_access_token);

    std::string body = client_information_json(record.client_id, record.metadata_json, issued);
    // Everything the audit line needs, by value: the request is gone when the commit answers.
    const AcceptedToken* token = admission->token;
    AuditFields audit{.client_id = record.client_id,
                      .method = metadata.token_endpoint_auth_method,
                      .scope = metadata.scope,
                      .requested_scope = requested_scope,
                      .token_description = token != nullptr ? token->description : "none",
                      .token_fingerprint = token != nullptr ? token->fingerprint : ""};
    s.clients.insert(std::move(record), [respond, body = std::move(body), audit = std::move(audit),
                                         request_id = request.request_id,
                                         &metrics = s.metrics](store::StoreStatus st) {
      if (st != store::StoreStatus::ok) {
        oauth::reply_error(respond,
                           oauth::make_error(ErrorCode::server_error,
                                             "the client could not be stored",
                                             "client not stored: " + std::string(to_string(st))),
                           kEndpoint, request_id, metrics);
        return;
      }
      obs::audit("client_registered",
                 {{"request_id", request_id},
                  {"client_id", audit.client_id},
                  {"token_endpoint_auth_method", audit.method},
                  {"scope", audit.scope},
                  {"requested_scope", audit.requested_scope},
                  {"initial_access_token", audit.token_description},
                  {"initial_access_token_fingerprint", audit.token_fingerprint}});
      respond(http::Response::json(201, body));  // RFC 7591 §3.2.1: 201 Created
    });
  };
}

}  // namespace sa::clients
