#include "launch/launch_endpoint.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "clients/endpoint_support.hpp"
#include "launch/launch_request.hpp"
#include "oauth_core/reply.hpp"
#include "obs/log.hpp"
#include "ratelimit/address_key.hpp"
#include "ratelimit/report.hpp"

namespace sa::launch {
namespace {

using oauth::ErrorCode;

constexpr std::string_view kEndpoint = "launch";  // the metrics and log label
// SEC-2 / SMART App Launch 2.2, "EHR Launch": the handle is unguessable; 256 bits, well over the
// 128 the contract asks for.
constexpr std::size_t kLaunchIdBytes = 32;

void refuse(const LaunchServices& s, const http::Request& request, const http::Responder& respond,
            const oauth::Error& error) {
  obs::audit("launch_rejected",
             {{"request_id", request.request_id},
              {"remote_addr", request.remote_addr},
              {"error", std::string(to_string(error.code))},
              {"reason", error.internal.empty() ? error.description : error.internal}});
  oauth::reply_error(respond, error, kEndpoint, request.request_id, s.metrics);
}

// The EHR API key as an RFC 6750 §2.1 bearer token; nullopt when it is the right one.
std::optional<oauth::Error> check_key(const LaunchServices& s, const http::Request& request) {
  oauth::Error denied =
      oauth::make_error(ErrorCode::invalid_token, "a valid EHR API key is required");
  denied.challenge = oauth::Challenge::bearer;  // RFC 6750 §3: 401 with WWW-Authenticate
  const auto key = clients::bearer_token(request);
  if (!key) {
    denied.internal = "no EHR API key presented";
  } else if (!s.ehr_api_key.configured()) {
    denied.internal = "no EHR API key is configured (launch.ehr_api_key)";
  } else if (!s.ehr_api_key.matches(*key)) {
    denied.internal = "wrong EHR API key, fingerprint " + obs::fingerprint(*key);
  } else {
    return std::nullopt;
  }
  return denied;
}

std::string created_json(const std::string& launch_id, std::uint32_t expires_in) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("launch");
  writer.String(launch_id.data(), static_cast<rapidjson::SizeType>(launch_id.size()));
  writer.Key("expires_in");
  writer.Uint(expires_in);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

http::Handler launch_endpoint(const LaunchServices& s) {
  return [s](const http::Request& request, http::Responder respond) {
    const std::string address = ratelimit::address_key(request.remote_addr);
    if (s.failed_auth_limit != nullptr) {
      // A key is a bearer secret: guessing must stop at the budget, even a right guess (RFC 6585
      // §4: 429 with Retry-After).
      if (auto verdict = s.failed_auth_limit->check(address); !verdict.allowed) {
        ratelimit::report_refusal(s.metrics, "failed_launch_auth_per_ip", request.remote_addr, "",
                                  kEndpoint);
        return oauth::reply_error(respond, oauth::rate_limited_error(verdict.retry_after_s),
                                  kEndpoint, request.request_id, s.metrics);
      }
    }
    if (auto denied = check_key(s, request)) {
      if (s.failed_auth_limit != nullptr) s.failed_auth_limit->record(address);
      return refuse(s, request, respond, *denied);
    }
    if (!clients::has_json_content_type(request)) {
      return refuse(
          s, request, respond,
          oauth::make_error(ErrorCode::invalid_request, "Content-Type must be application/json"));
    }
    auto parsed = parse_launch_request(request.body);
    if (!parsed) return refuse(s, request, respond, parsed.error());
    Launch launch = std::move(parsed).value();
    if (launch.client_id) {
      // LAUNCH-2: a launch bound to a client is bound to one that exists.
      auto client = s.clients.find(*launch.client_id);
      if (!client) {
        if (client.error() == store::StoreStatus::not_found) {
          return refuse(s, request, respond,
                        oauth::make_error(ErrorCode::invalid_request,
                                          "client_id is not a registered client"));
        }
        return refuse(s, request, respond,
                      oauth::make_error(ErrorCode::server_error, "the client store failed",
                                        std::string(store::to_string(client.error()))));
      }
    }

    const std::uint32_t expires_in = s.config.launch.expires_in_s;
    launch.created_at = s.clock.now_seconds();
    launch.expires_at = launch.created_at + expires_in;
    // LAUNCH-2, SEC-2: unguessable, short-lived, stored only as its hash.
    std::string launch_id = crypto::random_token(s.random, kLaunchIdBytes);
    std::string body = created_json(launch_id, expires_in);
    const std::string fingerprint = obs::fingerprint(launch_id);
    const std::string id_hash = hash_launch_id(launch_id);
    // Everything the audit line needs, by value: the request is gone when the commit answers.
    const std::string user = launch.user_id;
    const std::string patient = launch.patient.value_or("");
    const std::string encounter = launch.encounter.value_or("");
    const std::string client_id = launch.client_id.value_or("");
    s.launches.create(
        id_hash, std::move(launch),
        [respond, body = std::move(body), fingerprint, user, patient, encounter, client_id,
         expires_in, request_id = request.request_id, remote_addr = request.remote_addr,
         &metrics = s.metrics](store::StoreStatus status) {
          if (status != store::StoreStatus::ok) {
            // constraint: the bound client was deleted between the check and the write.
            const bool client_gone = status == store::StoreStatus::constraint;
            oauth::Error error =
                client_gone ? oauth::make_error(ErrorCode::invalid_request,
                                                "client_id is not a registered client",
                                                "client deleted before the launch was stored")
                            : oauth::make_error(
                                  ErrorCode::server_error, "the launch could not be stored",
                                  "launch not stored: " + std::string(store::to_string(status)));
            obs::audit("launch_rejected", {{"request_id", request_id},
                                           {"remote_addr", remote_addr},
                                           {"error", std::string(to_string(error.code))},
                                           {"reason", error.internal}});
            oauth::reply_error(respond, error, kEndpoint, request_id, metrics);
            return;
          }
          obs::audit("launch_created", {{"request_id", request_id},
                                        {"remote_addr", remote_addr},
                                        {"launch_fingerprint", fingerprint},
                                        {"user", user},
                                        {"patient", patient},
                                        {"encounter", encounter},
                                        {"client_id", client_id},
                                        obs::num("expires_in", expires_in)});
          respond(http::Response::json(201, body));  // CONTRACT: 201 Created
        });
  };
}

}  // namespace sa::launch
