#include "clients/registration_endpoint.hpp"

#include "clients/client_information.hpp"
#include "clients/endpoint_support.hpp"
#include "clients/metadata.hpp"
#include "clients/secrets.hpp"
#include "crypto/hash.hpp"
#include "obs/log.hpp"

namespace sa::clients {
namespace {

using oauth::ErrorCode;

oauth::Error bearer_error(std::string description) {
  oauth::Error error = oauth::make_error(ErrorCode::invalid_token, std::move(description));
  error.challenge = oauth::Challenge::bearer;  // RFC 6750 §3: 401 with WWW-Authenticate
  return error;
}

// Who may register. closed: RFC 7591 §3 leaves refusing registration to server policy and has
// no code for it, so this is RFC 6749's access_denied with 403 (the caller is not authorised,
// and no credential would help).
std::optional<oauth::Error> check_policy(const config::RegistrationSettings& settings,
                                         const http::Request& request) {
  switch (settings.mode) {
    case config::RegistrationMode::open: return std::nullopt;
    case config::RegistrationMode::closed:
      return oauth::make_error(ErrorCode::access_denied, "client registration is closed");
    case config::RegistrationMode::initial_access_token: break;
  }
  // RFC 7591 §3: the initial access token is presented as an OAuth 2.0 Bearer token.
  auto token = bearer_token(request);
  if (!token) return bearer_error("an initial access token is required");
  const std::string presented = crypto::sha256_b64url(*token);
  bool accepted = false;
  for (const auto& configured : settings.initial_access_tokens) {
    // Hash both sides so neither length nor content leaks through timing; check every token.
    accepted |= crypto::constant_time_equals(presented, crypto::sha256_b64url(configured));
  }
  if (!accepted) return bearer_error("the initial access token is not valid");
  return std::nullopt;
}

void refuse(const http::Request& request, const http::Responder& respond,
            const oauth::Error& error) {
  obs::audit("client_registration_rejected", {{"request_id", request.request_id},
                                              {"error", std::string(to_string(error.code))},
                                              {"reason", error.description}});
  respond(oauth::to_response(error));
}

}  // namespace

http::Handler registration_endpoint(const RegistrationServices& s) {
  return [s](const http::Request& request, http::Responder respond) {
    if (auto refused = check_policy(s.config.registration, request)) {
      return refuse(request, respond, *refused);
    }
    // RFC 7591 §3: the client metadata is sent as application/json.
    if (!has_json_content_type(request)) {
      return refuse(request, respond,
                    oauth::make_error(ErrorCode::invalid_request,
                                      "Content-Type must be application/json"));
    }
    auto parsed = parse_client_metadata(request.body);
    if (!parsed) return refuse(request, respond, parsed.error());
    const ClientMetadata& metadata = parsed->metadata;

    const std::int64_t now = s.clock.now_seconds();
    ClientRecord record = record_from_metadata(new_client_id(s.random), metadata);
    record.issued_at = now;
    IssuedFields issued{.client_id_issued_at = now};
    if (uses_client_secret(metadata.token_endpoint_auth_method)) {
      const std::uint32_t lifetime = s.config.registration.client_secret_lifetime_s;
      issued.client_secret = new_client_secret(s.random);
      // RFC 7591 §3.2.1: client_secret_expires_at is required with a secret; 0 = never.
      issued.client_secret_expires_at = lifetime == 0 ? 0 : now + lifetime;
      record.secret_hash = hash_secret(*issued.client_secret);
      record.secret_expires_at = *issued.client_secret_expires_at;
    }
    // RFC 7592 §3: the registration access token and client configuration URI.
    issued.registration_access_token = new_registration_access_token(s.random);
    issued.registration_client_uri =
        client_configuration_uri(s.config.server.public_base_url, record.client_id);
    record.registration_token_hash = hash_secret(issued.registration_access_token);

    std::string body = client_information_json(record.client_id, record.metadata_json, issued);
    std::string client_id = record.client_id;
    std::string method = metadata.token_endpoint_auth_method;
    s.clients.insert(std::move(record), [respond, body = std::move(body),
                                         client_id = std::move(client_id),
                                         method = std::move(method),
                                         request_id = request.request_id](store::StoreStatus st) {
      if (st != store::StoreStatus::ok) {
        obs::log(obs::Level::error, "client registration not stored",
                 {{"request_id", request_id}, {"store", std::string(to_string(st))}});
        respond(oauth::to_response(
            oauth::make_error(ErrorCode::server_error, "the client could not be stored")));
        return;
      }
      obs::audit("client_registered", {{"request_id", request_id},
                                       {"client_id", client_id},
                                       {"token_endpoint_auth_method", method}});
      respond(no_store_json(201, body));  // RFC 7591 §3.2.1: 201 Created
    });
  };
}

}  // namespace sa::clients
