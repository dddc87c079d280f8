#include "clients/client_configuration_endpoint.hpp"

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

// The metrics and log label of GET, PUT and DELETE alike (RFC 7592 client configuration).
constexpr std::string_view kEndpoint = "client_configuration";

struct Authorized {
  ClientRecord client;
  std::string token;  // the presented registration access token, echoed per RFC 7592 §3
};

// RFC 7592 §3: a missing or invalid token, or an unknown client, is 401 invalid_token with the
// same description, so the answer does not reveal which client ids exist.
Expected<Authorized, oauth::Error> authorize(const RegistrationServices& s,
                                             const http::Request& request) {
  oauth::Error denied = oauth::make_error(ErrorCode::invalid_token,
                                          "a valid registration access token is required");
  denied.challenge = oauth::Challenge::bearer;
  const auto client_id = request.path_param("client_id");
  const auto token = bearer_token(request);
  if (!client_id || !token) return unexpected(denied);
  auto client = s.clients.find(*client_id);
  if (!client) {
    if (client.error() == store::StoreStatus::not_found) return unexpected(denied);
    return unexpected(oauth::make_error(ErrorCode::server_error, "the client store failed",
                                        std::string(to_string(client.error()))));
  }
  // Static clients have no registration access token (empty hash never matches).
  if (client->is_static || !secret_matches(*token, client->registration_token_hash)) {
    denied.internal = "registration access token rejected for " + std::string(*client_id);
    return unexpected(denied);
  }
  return Authorized{std::move(*client), std::string(*token)};
}

IssuedFields issued_for(const RegistrationServices& s, const Authorized& a) {
  IssuedFields issued{.client_id_issued_at = a.client.issued_at};
  if (uses_client_secret(a.client.token_endpoint_auth_method)) {
    issued.client_secret_expires_at = a.client.secret_expires_at;
  }
  issued.registration_access_token = a.token;
  issued.registration_client_uri =
      client_configuration_uri(s.config.server.public_base_url, a.client.client_id);
  return issued;
}

void deny(const RegistrationServices& s, const http::Request& request,
          const http::Responder& respond, const oauth::Error& error) {
  obs::audit("client_management_rejected",
             {{"request_id", request.request_id},
              {"client_id", std::string(request.path_param("client_id").value_or(""))},
              {"error", std::string(to_string(error.code))},
              {"reason", error.internal.empty() ? error.description : error.internal}});
  oauth::reply_error(respond, error, kEndpoint, request.request_id, s.metrics);
}

// RFC 7592 §2.2: the body carries the current client_id, no server-assigned members, and a
// client_secret only if it equals the current one.
std::optional<oauth::Error> check_update_members(const ManagementMembers& m,
                                                 const ClientRecord& client) {
  if (!m.client_id || *m.client_id != client.client_id) {
    return oauth::make_error(ErrorCode::invalid_request,
                             "client_id must be present and equal the client's client_id");
  }
  if (!m.server_assigned.empty()) {
    return oauth::make_error(ErrorCode::invalid_request,
                             m.server_assigned.front() + " must not be sent in an update");
  }
  if (m.client_secret && !secret_matches(*m.client_secret, client.secret_hash)) {
    return oauth::make_error(ErrorCode::invalid_request,
                             "client_secret does not match the current secret");
  }
  return std::nullopt;
}

}  // namespace

http::Handler read_client_endpoint(const RegistrationServices& s) {
  return [s](const http::Request& request, http::Responder respond) {
    auto authorized = authorize(s, request);
    if (!authorized) return deny(s, request, respond, authorized.error());
    // RFC 7592 §2.1: 200 with the current metadata; the secret exists only as a hash.
    respond(http::Response::json(200, client_information_json(authorized->client.client_id,
                                                              authorized->client.metadata_json,
                                                              issued_for(s, *authorized))));
  };
}

http::Handler update_client_endpoint(const RegistrationServices& s) {
  return [s](const http::Request& request, http::Responder respond) {
    auto authorized = authorize(s, request);
    if (!authorized) return deny(s, request, respond, authorized.error());
    if (!has_json_content_type(request)) {
      return deny(s, request, respond,
                  oauth::make_error(ErrorCode::invalid_request,
                                    "Content-Type must be application/json"));
    }
    auto parsed = parse_client_metadata(request.body);
    if (!parsed) return deny(s, request, respond, parsed.error());
    const ClientRecord& old = authorized->client;
    if (auto err = check_update_members(parsed->management, old)) {
      return deny(s, request, respond, *err);
    }
    // CONTRACT "Registration policy": an update never raises a client above the cap it got at
    // registration (clients from before caps were stored get registration.max_scope).
    const std::string cap = old.max_scope.value_or(s.config.registration.max_scope);
    if (auto err = apply_registration_policy(parsed->metadata, cap,
                                             s.config.tokens.client_credentials_auth_methods)) {
      return deny(s, request, respond, *err);
    }
    // RFC 7592 §2.2: a full replacement; what the server issued stays as it was, except that a
    // client becoming symmetric gets a secret and one leaving it loses its secret.
    ClientRecord updated = record_from_metadata(old.client_id, parsed->metadata);
    updated.issued_at = old.issued_at;
    updated.registration_token_hash = old.registration_token_hash;
    updated.max_scope = cap;
    IssuedFields issued = issued_for(s, Authorized{updated, authorized->token});
    if (uses_client_secret(updated.token_endpoint_auth_method)) {
      updated.secret_hash = old.secret_hash;
      updated.secret_expires_at = old.secret_expires_at;
      if (updated.secret_hash.empty()) {
        issued.client_secret =
            issue_client_secret(updated, s.random, s.clock.now_seconds(),
                                s.config.registration.client_secret_lifetime_s);
      }
      issued.client_secret_expires_at = updated.secret_expires_at;
    }
    std::string body = client_information_json(updated.client_id, updated.metadata_json, issued);
    std::string client_id = updated.client_id;
    std::string scope = updated.scope;
    s.clients.replace(std::move(updated), [respond, body = std::move(body),
                                           client_id = std::move(client_id),
                                           scope = std::move(scope),
                                           request_id = request.request_id,
                                           &metrics = s.metrics](store::StoreStatus st) {
      if (st != store::StoreStatus::ok) {
        // not_found: deleted concurrently, so the token is no longer valid either.
        oauth::Error error = oauth::make_error(ErrorCode::server_error, "the update failed",
                                               "client not replaced: " +
                                                   std::string(to_string(st)));
        if (st == store::StoreStatus::not_found) {
          error = oauth::make_error(ErrorCode::invalid_token,
                                    "a valid registration access token is required",
                                    "client deleted during the update: " + client_id);
          error.challenge = oauth::Challenge::bearer;
        }
        oauth::reply_error(respond, error, kEndpoint, request_id, metrics);
        return;
      }
      obs::audit("client_updated",
                 {{"request_id", request_id}, {"client_id", client_id}, {"scope", scope}});
      respond(http::Response::json(200, body));
    });
  };
}

http::Handler delete_client_endpoint(const RegistrationServices& s) {
  return [s](const http::Request& request, http::Responder respond) {
    auto authorized = authorize(s, request);
    if (!authorized) return deny(s, request, respond, authorized.error());
    std::string client_id = authorized->client.client_id;
    s.clients.remove(client_id, [respond, client_id, request_id = request.request_id,
                                 &metrics = s.metrics](store::StoreStatus st) {
      if (st != store::StoreStatus::ok && st != store::StoreStatus::not_found) {
        oauth::reply_error(respond,
                           oauth::make_error(ErrorCode::server_error,
                                             "the client could not be deleted",
                                             "client not removed: " + std::string(to_string(st))),
                           kEndpoint, request_id, metrics);
        return;
      }
      obs::audit("client_deleted", {{"request_id", request_id}, {"client_id", client_id}});
      http::Response res;
      res.status = 204;  // RFC 7592 §2.3: 204 No Content
      respond(std::move(res));
    });
  };
}

}  // namespace sa::clients
