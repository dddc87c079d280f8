#include "launch/launch_endpoint.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "clients/endpoint_support.hpp"
#include "launch/create_launch.hpp"
#include "launch/launch_request.hpp"
#include "oauth_core/reply.hpp"
#include "obs/log.hpp"
#include "ratelimit/address_key.hpp"
#include "ratelimit/report.hpp"

namespace sa::launch {
namespace {

using oauth::ErrorCode;

constexpr std::string_view kEndpoint = "launch";  // the metrics and log label

void audit_refusal(const std::string& request_id, const std::string& remote_addr,
                   const oauth::Error& error) {
  obs::audit("launch_rejected",
             {{"request_id", request_id},
              {"remote_addr", remote_addr},
              {"error", std::string(to_string(error.code))},
              {"reason", error.internal.empty() ? error.description : error.internal}});
}

void refuse(const LaunchServices& s, const http::Request& request, const http::Responder& respond,
            const oauth::Error& error) {
  audit_refusal(request.request_id, request.remote_addr, error);
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
    create_launch(
        s, std::move(parsed).value(),
        {request.request_id, request.remote_addr, "ehr_api"},
        [respond, request_id = request.request_id, remote_addr = request.remote_addr,
         &metrics = s.metrics](Expected<CreatedLaunch, oauth::Error> created) {
          if (!created) {
            audit_refusal(request_id, remote_addr, created.error());
            return oauth::reply_error(respond, created.error(), kEndpoint, request_id, metrics);
          }
          // CONTRACT: 201 Created
          respond(http::Response::json(201, created_json(created->launch_id, created->expires_in)));
        });
  };
}

}  // namespace sa::launch
