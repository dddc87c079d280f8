#include "oauth/introspection_endpoint.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <optional>
#include <utility>

#include "clientauth/credentials.hpp"
#include "oauth/caller_auth.hpp"
#include "oauth_core/reply.hpp"
#include "obs/log.hpp"

namespace sa::oauth {
namespace {

constexpr std::string_view kEndpoint = "introspect";
constexpr std::size_t kMaxLoggedIdChars = 128;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void put(Writer& w, std::string_view key, std::int64_t value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.Int64(value);
}

// The members this endpoint writes itself; a launch context cannot override them.
constexpr std::array<std::string_view, 10> kOwnMembers = {
    "active", "scope", "client_id", "sub", "exp", "iat", "iss", "aud", "token_type", "fhirUser"};

bool own_member(std::string_view name) {
  for (auto own : kOwnMembers) {
    if (own == name) return true;
  }
  return false;
}

http::Response json(const rapidjson::StringBuffer& buf) {
  // RFC 7662 §2.2: application/json; no-store comes from the router (the route is not cacheable).
  return http::Response::json(200, std::string(buf.GetString(), buf.GetSize()));
}

// RFC 7662 §2.2: an inactive token's answer SHOULD NOT carry more than "active" (and the ONC kit
// fails on any other member): INTRO-6.
http::Response inactive() { return http::Response::json(200, R"({"active":false})"); }

http::Response active_access(const tokens::InspectedAccessToken& token, std::string_view issuer) {
  const auto& r = token.record;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("active");
  w.Bool(true);
  // SMART App Launch 2.2 "Token Introspection": scope, client_id and exp are required; iss and
  // sub are those of the id_token (the user), aud the FHIR base the token is for.
  put(w, "scope", r.scope);
  put(w, "client_id", r.client_id);
  put(w, "sub", r.subject);
  put(w, "exp", r.expires_at);
  put(w, "iat", r.issued_at);
  put(w, "iss", issuer);
  put(w, "aud", token.audience);
  put(w, "token_type", "Bearer");
  if (token.fhir_user) put(w, "fhirUser", *token.fhir_user);
  if (r.context_json) {
    // SMART App Launch 2.2 "Token Introspection": the launch context of the token response
    // (patient, encounter, fhirContext, ...) with identical values: the very members stored.
    rapidjson::Document context;
    context.Parse(r.context_json->data(), r.context_json->size());
    if (!context.HasParseError() && context.IsObject()) {
      for (const auto& member : context.GetObject()) {
        if (own_member({member.name.GetString(), member.name.GetStringLength()})) continue;
        member.name.Accept(w);
        member.value.Accept(w);
      }
    }
  }
  w.EndObject();
  return json(buf);
}

http::Response active_refresh(const tokens::RefreshLookup& lookup, std::string_view issuer) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("active");
  w.Bool(true);
  put(w, "scope", lookup.token.scope);
  put(w, "client_id", lookup.grant.client_id);
  put(w, "sub", lookup.grant.user_id);
  put(w, "exp", lookup.token.expires_at);
  put(w, "iat", lookup.token.issued_at);
  put(w, "iss", issuer);
  put(w, "token_type", "refresh_token");
  w.EndObject();
  return json(buf);
}

// Of two reasons a token is not active, the one that says more (the audit log's only reader).
tokens::Inactive telling(tokens::Inactive a, tokens::Inactive b) {
  auto vague = [](tokens::Inactive r) {
    return r == tokens::Inactive::unknown || r == tokens::Inactive::malformed;
  };
  return vague(a) && !vague(b) ? b : a;
}

}  // namespace

IntrospectionEndpoint::IntrospectionEndpoint(IntrospectionDeps deps) : d_(std::move(deps)) {}

Expected<http::Response, Error> IntrospectionEndpoint::introspect(
    const Form& form, const Introspector& caller, std::int64_t now,
    std::string_view request_id) const {
  // RFC 7662 §2.1: token is REQUIRED.
  auto token = form.get("token");
  if (!token) return unexpected(make_error(ErrorCode::invalid_request, "token is required"));
  // RFC 7662 §2.1: the hint only orders the search; a wrong hint still finds the token.
  const bool refresh_first =
      form.get("token_type_hint") == std::optional<std::string_view>("refresh_token");
  // Every answer is counted. An inactive answer (a token that is unknown, expired, revoked or
  // forged: a stolen or probed token) goes to the audit log; an active one is a resource
  // server's routine check of each FHIR request, logged at debug level only: auditing it would
  // write a flushed line per FHIR call, most of what an introspection costs.
  auto audit = [&](std::string_view kind, bool active, std::string_view reason,
                   std::string_view client_id) {
    d_.metrics.increment("smart_auth_introspections_total", "Introspection answers by outcome.",
                         {{"active", active ? "true" : "false"}});
    if (active && !obs::enabled(obs::Level::debug)) return;
    const std::initializer_list<obs::Field> fields = {
        {"caller_kind", caller.kind},
        {"caller", caller.id.substr(0, kMaxLoggedIdChars)},
        {"description", caller.description},
        {"token_kind", std::string(kind)},
        {"active", active ? "true" : "false"},
        {"reason", std::string(reason)},
        {"client_id", std::string(client_id)},
        {"token", obs::fingerprint(*token)},
        {"request_id", std::string(request_id)}};
    if (active) {
      obs::log(obs::Level::debug, "token_introspected", fields);
    } else {
      obs::audit("token_introspected", fields);
    }
  };
  auto unavailable = [] {
    return unexpected(make_error(ErrorCode::temporarily_unavailable, "try again later",
                                 "token store read failed"));
  };

  // Each lookup answers (active, or a store failure) or leaves the reason it found nothing.
  using Answer = std::optional<Expected<http::Response, Error>>;
  std::optional<tokens::Inactive> reason;
  auto note = [&](tokens::Inactive why) { reason = reason ? telling(*reason, why) : why; };
  auto as_access = [&]() -> Answer {
    auto access = d_.inspector.access_token(*token, now);
    if (access) {
      audit("access_token", true, "active", access->record.client_id);
      return active_access(*access, d_.issuer);
    }
    if (access.error() == tokens::Inactive::store_error) return unavailable();
    note(access.error());
    return std::nullopt;
  };
  auto as_refresh = [&]() -> Answer {
    auto refresh = d_.inspector.refresh_token(*token, now);
    if (refresh) {
      audit("refresh_token", true, "active", refresh->grant.client_id);
      return active_refresh(*refresh, d_.issuer);
    }
    if (refresh.error() == tokens::Inactive::store_error) return unavailable();
    note(refresh.error());
    return std::nullopt;
  };
  Answer answer = refresh_first ? as_refresh() : as_access();
  if (!answer) answer = refresh_first ? as_access() : as_refresh();
  if (answer) return std::move(*answer);
  audit("none", false, tokens::to_string(reason.value_or(tokens::Inactive::unknown)), "");
  return inactive();
}

bool IntrospectionEndpoint::try_resource_server(const http::Request& request, const Form& form,
                                                const http::Responder& done) const {
  auto header = request.header("Authorization");
  if (!header) return false;
  auto basic = clientauth::decode_basic(*header);
  if (!basic) return false;
  const ResourceServers::Entry* rs = d_.resource_servers.find(basic->client_id);
  if (rs == nullptr) return false;

  auto fail = [&](const Error& e) {
    reply_error(done, e, kEndpoint, request.request_id, d_.metrics);
  };
  // SMART App Launch 2.2, Client Confidential Symmetric: brute force is limited for these
  // secrets as for client secrets, by the same budgets.
  if (d_.limits != nullptr) {
    if (auto refused = d_.limits->refusal(request.remote_addr, rs->id, request.route_name)) {
      fail(*refused);
      return true;
    }
  }
  if (!ResourceServers::secret_matches(*rs, basic->secret)) {
    obs::audit("introspection_auth_failed", {{"caller", rs->id},
                                             {"description", rs->description},
                                             {"ip", request.remote_addr},
                                             {"reason", "SecretMismatch"}});
    if (d_.limits != nullptr) d_.limits->record_failure(request.remote_addr, rs->id);
    fail(as_unauthorized(make_error(ErrorCode::invalid_client, "client authentication failed",
                                    "resource server secret mismatch")));
    return true;
  }
  auto answer = introspect(form, {"resource_server", rs->id, rs->description},
                           d_.clock.now_seconds(), request.request_id);
  if (!answer) {
    fail(answer.error());
  } else {
    done(std::move(answer).value());
  }
  return true;
}

void IntrospectionEndpoint::handle(const http::Request& request, http::Responder done) const {
  auto fail = [&](const Error& e) {
    reply_error(done, e, kEndpoint, request.request_id, d_.metrics);
  };
  auto form = caller_form(request);
  if (!form) return fail(form.error());
  if (try_resource_server(request, *form, done)) return;
  // RFC 7662 §2.1 / §4: the caller must authenticate; here as a registered client.
  authenticate_caller(
      d_.authenticator, request, *form,
      [this, form = *form, done, request_id = request.request_id,
       ip = request.remote_addr](Expected<clientauth::AuthenticatedClient, Error> client) {
        auto fail = [&](const Error& e) {
          reply_error(done, e, kEndpoint, request_id, d_.metrics);
        };
        if (!client) return fail(client.error());
        // A public client proves nothing about itself (client_id only): it may not learn about
        // tokens (RFC 7662 §4: the endpoint must be protected).
        if (client->method == clientauth::to_string(clientauth::AuthMethod::none)) {
          obs::audit(
              "introspection_auth_failed",
              {{"caller", client->client.client_id}, {"ip", ip}, {"reason", "PublicClient"}});
          return fail(
              as_unauthorized(make_error(ErrorCode::invalid_client, "client authentication failed",
                                         "public clients may not introspect")));
        }
        auto answer = introspect(form, {"client", client->client.client_id, ""},
                                 d_.clock.now_seconds(), request_id);
        if (!answer) return fail(answer.error());
        done(std::move(answer).value());
      });
}

http::Handler IntrospectionEndpoint::handler() const {
  return [this](const http::Request& request, http::Responder done) {
    handle(request, std::move(done));
  };
}

}  // namespace sa::oauth
