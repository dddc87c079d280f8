#include "oauth/userinfo_endpoint.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <utility>

#include "clients/endpoint_support.hpp"
#include "oauth_core/form.hpp"
#include "oauth_core/reply.hpp"
#include "obs/log.hpp"
#include "tokens/id_token.hpp"
#include "util/strings.hpp"

namespace sa::oauth {
namespace {

constexpr std::string_view kEndpoint = "userinfo";

Error bearer_error(ErrorCode code, std::string description, std::string internal = {}) {
  Error error = make_error(code, std::move(description), std::move(internal));
  error.challenge = Challenge::bearer;  // RFC 6750 §3: the code rides in WWW-Authenticate
  return error;
}

bool is_form(const http::Request& request) {
  auto type = request.header("Content-Type");
  return type &&
         iequals(trim(type->substr(0, type->find(';'))), "application/x-www-form-urlencoded");
}

// The access token the request presents: none when it presents none (RFC 6750 §3.1: then no
// error code), invalid_request when it presents one twice over.
Expected<std::optional<std::string>, Error> presented_token(const http::Request& request) {
  std::optional<std::string> token;
  if (auto bearer = clients::bearer_token(request)) token = std::string(*bearer);
  // RFC 6750 §2.2: the form body's access_token, on POST with a form content type only.
  if (request.method == http::Method::POST && is_form(request)) {
    auto form = Form::from_request_body(request);
    if (!form)
      return unexpected(bearer_error(ErrorCode::invalid_request, form.error().description));
    if (auto in_body = form->get("access_token")) {
      // RFC 6750 §3.1: more than one method of presenting the token is invalid_request.
      if (token) {
        return unexpected(bearer_error(ErrorCode::invalid_request,
                                       "the access token was sent in more than one way"));
      }
      token = std::string(*in_body);
    }
  }
  return token;
}

http::Response claims_response(const tokens::UserClaims& claims) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto put = [&w](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  // OIDC Core §5.3.2: sub always, equal to the id_token's.
  put("sub", claims.sub);
  if (claims.fhir_user) put("fhirUser", *claims.fhir_user);
  if (claims.name) put("name", *claims.name);
  w.EndObject();
  return http::Response::json(200, std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace

UserinfoEndpoint::UserinfoEndpoint(UserinfoDeps deps) : d_(std::move(deps)) {}

void UserinfoEndpoint::handle(const http::Request& request, http::Responder done) const {
  auto fail = [&](const Error& e) {
    reply_error(done, e, kEndpoint, request.request_id, d_.metrics);
  };
  auto token = presented_token(request);
  if (!token) return fail(token.error());
  if (!*token) {
    // RFC 6750 §3.1: a request without any token gets the bare challenge, no error code.
    d_.metrics.increment("smart_auth_oauth_errors_total",
                         "OAuth error responses by endpoint and code.",
                         {{"endpoint", std::string(kEndpoint)}, {"error", "missing_token"}});
    http::Response res;
    res.status = 401;
    res.set("WWW-Authenticate", "Bearer realm=\"smart-auth\"");
    return done(std::move(res));
  }
  auto access = d_.inspector.access_token(**token, d_.clock.now_seconds());
  if (!access) {
    if (access.error() == tokens::Inactive::store_error) {
      return fail(make_error(ErrorCode::temporarily_unavailable, "try again later",
                             "token store read failed"));
    }
    obs::audit("userinfo_refused", {{"reason", std::string(tokens::to_string(access.error()))},
                                    {"token", obs::fingerprint(**token)},
                                    {"request_id", request.request_id}});
    // RFC 6750 §3.1 invalid_token: expired, revoked, malformed or not ours.
    return fail(bearer_error(ErrorCode::invalid_token, "the access token is not valid",
                             std::string(tokens::to_string(access.error()))));
  }
  const auto& record = access->record;
  // OIDC Core §5.3: userinfo needs an access token obtained with the openid scope.
  if (!has_item(record.scope, "openid")) {
    return fail(
        bearer_error(ErrorCode::insufficient_scope, "the access token was not granted openid"));
  }
  if (!record.grant_id) {
    return fail(bearer_error(ErrorCode::invalid_token, "the access token is not valid",
                             "token without a grant"));
  }
  auto grant = d_.grants.find_grant(*record.grant_id);
  if (!grant) {
    if (grant.error() != store::StoreStatus::not_found) {
      return fail(
          make_error(ErrorCode::temporarily_unavailable, "try again later", "grant read failed"));
    }
    return fail(
        bearer_error(ErrorCode::invalid_token, "the access token is not valid", "grant not found"));
  }
  // OIDC Core §5.3.2: the same claims about the user as the id_token, as the token's scope
  // allows (a refreshed token may have narrowed it).
  done(claims_response(tokens::user_claims(record.scope, grant->user_id, grant->fhir_user,
                                           grant->user_name, grant->aud)));
}

http::Handler UserinfoEndpoint::handler() const {
  return [this](const http::Request& request, http::Responder done) {
    handle(request, std::move(done));
  };
}

}  // namespace sa::oauth
