// Introspection, revocation and userinfo over the real SQLite token and grant stores and a real
// key ring: what the end-to-end tests cannot reach before apps get refresh tokens and id_tokens
// (refresh-token introspection and revocation, launch context, userinfo claims).
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <memory>

#include "crypto/hash.hpp"
#include "keys/sqlite_key_store.hpp"
#include "oauth/introspection_endpoint.hpp"
#include "oauth/revocation_endpoint.hpp"
#include "oauth/userinfo_endpoint.hpp"
#include "tokens/access_token.hpp"
#include "tokens/bulk_revocation.hpp"
#include "tokens/sqlite_grant_store.hpp"
#include "unit/clientauth/clientauth_test_support.hpp"
#include "unit/tokens/token_test_support.hpp"
#include "util/base64url.hpp"

namespace sa::oauth {
namespace {

using clientauth::test::FakeClientStore;
using clientauth::test::FakeReplayStore;
using clientauth::test::ManualFetch;
using store::StoreStatus;
using store::test::wait_for_done;

constexpr const char* kIssuer = "https://auth.example";
constexpr const char* kFhirBase = "https://fhir.example/r4";
const std::string kInactive = R"({"active":false})";

struct ReadEndpoints : tokens::test::TokenDatabase {
  tokens::SqliteTokenStore tokens{*db};
  tokens::SqliteGrantStore grants{*db};
  keys::SqliteKeyStore key_store{*db};
  keys::KeyRing ring{key_store, config::KeySettings{}, clock};
  crypto::FakeRandom random{9};
  tokens::AccessTokenIssuer issuer{
      ring, tokens::AccessTokenSettings{.issuer = kIssuer, .audience = kFhirBase}, clock, random};
  tokens::TokenInspector inspector{ring, kIssuer, tokens, grants, tokens::RefreshRules{}};

  FakeClientStore clients;
  FakeReplayStore replay;
  ManualFetch fetch;
  config::ClientAuthSettings settings;
  clientauth::JwksResolver resolver{settings, clock, fetch.fn()};
  clientauth::ClientAuthenticator auth{
      {clientauth::test::kTokenUrl, settings}, clients, resolver, replay, clock};
  obs::Metrics metrics;
  ResourceServers resource_servers{config::IntrospectionSettings{}};
  IntrospectionEndpoint introspection{
      {auth, inspector, resource_servers, nullptr, kIssuer, clock, metrics}};
  RevocationEndpoint revocation{{auth, inspector, tokens, grants, clock, metrics}};
  UserinfoEndpoint userinfo{{inspector, grants, clock, metrics}};

  ReadEndpoints() {
    REQUIRE_FALSE(ring.load_or_create());
    for (const char* id : {"app", "other"}) {
      REQUIRE(add_client(id) == StoreStatus::ok);
      clients::ClientRecord c{.client_id = id, .token_endpoint_auth_method = "client_secret_basic"};
      c.secret_hash = crypto::sha256_b64url(std::string("secret-of-") + id);
      clients.clients[id] = c;
    }
  }

  // A grant of `client_id` with one current offline refresh token "refresh-<grant_id>".
  void add_grant(const std::string& grant_id, const std::string& client_id = "app",
                 const std::string& scope = "openid fhirUser profile offline_access") {
    tokens::GrantRecord grant{.grant_id = grant_id,
                              .client_id = client_id,
                              .user_id = "user-1",
                              .fhir_user = "Practitioner/d1",
                              .user_name = "Dana Doctor",
                              .auth_time = clock.now_seconds(),
                              .scope = scope,
                              .aud = kFhirBase,
                              .refresh = tokens::RefreshKind::offline,
                              .created_at = clock.now_seconds(),
                              .expires_at = clock.now_seconds() + 86'400};
    tokens::RefreshTokenRecord refresh{.token_hash = crypto::sha256_b64url("refresh-" + grant_id),
                                       .grant_id = grant_id,
                                       .scope = scope,
                                       .issued_at = clock.now_seconds(),
                                       .expires_at = clock.now_seconds() + 86'400};
    REQUIRE(db->write_sync(grants.create(grant, refresh)) == StoreStatus::ok);
  }

  // An access token of the grant, recorded with its hash as the code grant does.
  std::string add_access_token(const std::string& grant_id, const std::string& scope,
                               std::optional<std::string> context_json = std::nullopt,
                               const std::string& client_id = "app") {
    auto issued = issuer.issue({.subject = "user-1",
                                .client_id = client_id,
                                .scope = scope,
                                .lifetime_s = 3'600,
                                .context = {.patient = "p1", .fhir_user = "Practitioner/d1"}});
    REQUIRE(issued);
    tokens::AccessTokenRecord record{.jti = issued->jti,
                                     .client_id = client_id,
                                     .subject = "user-1",
                                     .scope = scope,
                                     .issued_at = issued->issued_at,
                                     .expires_at = issued->expires_at,
                                     .grant_id = grant_id,
                                     .context_json = std::move(context_json),
                                     .token_hash = crypto::sha256_b64url(issued->jwt)};
    REQUIRE(wait_for_done([&](store::DoneFn done) {
              tokens.record(std::move(record), {}, std::move(done));
            }) == StoreStatus::ok);
    return issued->jwt;
  }

  std::string introspect(const std::string& token) {
    auto form = Form::parse("token=" + token);
    REQUIRE(form);
    auto res = introspection.introspect(*form, {"client", "app"}, clock.now_seconds(), "req-1");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return res->body;
  }

  http::Response call(const http::Handler& handler, http::Method method, const std::string& body,
                      std::vector<http::Header> headers) {
    http::Request req;
    req.method = method;
    req.body = body;
    req.request_id = "req-1";
    req.headers = std::move(headers);
    if (!body.empty()) req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    // Revocation answers from the store's writer thread once its write committed.
    auto answered = std::make_shared<std::promise<http::Response>>();
    auto out = answered->get_future();
    handler(req,
            http::Responder([answered](http::Response r) { answered->set_value(std::move(r)); }));
    REQUIRE(out.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    return out.get();
  }

  // A client_credentials token as the grant issues it: signed, never recorded.
  std::string unrecorded_token(const std::string& client_id = "app") {
    auto issued = issuer.issue({.subject = client_id,
                                .client_id = client_id,
                                .scope = "system/Patient.rs",
                                .lifetime_s = 300,
                                .unrecorded = true});
    REQUIRE(issued);
    return issued->jwt;
  }
  std::int64_t count(const std::string& sql) {
    return db->read([&](store::Connection& conn) {
      auto stmt = conn.prepare(sql);
      return stmt.step() ? stmt.column_int64(0) : -1;
    });
  }
  std::int64_t revoke_client(const std::string& client_id) {
    auto counts = std::make_shared<tokens::RevocationCounts>();
    REQUIRE(db->write_sync(tokens::revoke_everything_of(tokens::Holder::client, client_id,
                                                        clock.now_seconds(), counts)) ==
            StoreStatus::ok);
    return counts->cutoffs;
  }

  http::Response revoke(const std::string& token, const std::string& client_id = "app") {
    return call(
        revocation.handler(), http::Method::POST, "token=" + token,
        {{"Authorization", "Basic " + base64_encode(client_id + ":secret-of-" + client_id)}});
  }
};

rapidjson::Document json(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  INFO(body);
  REQUIRE(doc.IsObject());
  return doc;
}

}  // namespace

TEST_CASE_METHOD(ReadEndpoints, "a current refresh token introspects with its client and user",
                 "[oauth][introspect]") {  // INTRO-7
  add_grant("g1");
  auto doc = json(introspect("refresh-g1"));
  CHECK(doc["active"].GetBool());
  CHECK(std::string(doc["token_type"].GetString()) == "refresh_token");
  CHECK(std::string(doc["client_id"].GetString()) == "app");
  CHECK(std::string(doc["sub"].GetString()) == "user-1");
  CHECK(std::string(doc["scope"].GetString()) == "openid fhirUser profile offline_access");
  CHECK(doc["exp"].GetInt64() == clock.now_seconds() + 86'400);
  CHECK(std::string(doc["iss"].GetString()) == kIssuer);
}

TEST_CASE_METHOD(ReadEndpoints, "a rotated-out refresh token introspects as exactly active false",
                 "[oauth][introspect]") {  // INTRO-6
  add_grant("g1");
  tokens::RefreshTokenRecord next{.token_hash = crypto::sha256_b64url("refresh-next"),
                                  .grant_id = "g1",
                                  .scope = "openid",
                                  .issued_at = clock.now_seconds(),
                                  .expires_at = clock.now_seconds() + 86'400};
  REQUIRE(db->write_sync(grants.rotate(crypto::sha256_b64url("refresh-g1"), clock.now_seconds(), 5,
                                       next)) == StoreStatus::ok);
  CHECK(introspect("refresh-g1") == kInactive);
  CHECK(json(introspect("refresh-next"))["active"].GetBool());
}

TEST_CASE_METHOD(ReadEndpoints,
                 "introspection echoes the token response's launch context as stored",
                 "[oauth][introspect]") {  // INTRO-4, INTRO-5
  add_grant("g1");
  const std::string context =
      R"({"patient":"p1","encounter":"e1","fhirContext":[{"reference":"Patient/p1"}],)"
      R"("need_patient_banner":true,"intent":"reconcile","active":false,"scope":"x"})";
  auto token = add_access_token("g1", "openid patient/*.rs", context);
  auto doc = json(introspect(token));
  CHECK(doc["active"].GetBool());  // the context cannot override the endpoint's own members
  CHECK(std::string(doc["scope"].GetString()) == "openid patient/*.rs");
  CHECK(std::string(doc["patient"].GetString()) == "p1");
  CHECK(std::string(doc["encounter"].GetString()) == "e1");
  CHECK(std::string(doc["fhirContext"][0]["reference"].GetString()) == "Patient/p1");
  CHECK(doc["need_patient_banner"].GetBool());
  CHECK(std::string(doc["intent"].GetString()) == "reconcile");
  CHECK(std::string(doc["fhirUser"].GetString()) == "Practitioner/d1");
  CHECK(std::string(doc["sub"].GetString()) == "user-1");
  CHECK(std::string(doc["aud"].GetString()) == kFhirBase);
  CHECK(std::string(doc["token_type"].GetString()) == "Bearer");
}

TEST_CASE_METHOD(ReadEndpoints, "revoking a refresh token ends its family and its access tokens",
                 "[oauth][revoke]") {  // REVOKE-3
  add_grant("g1");
  auto access = add_access_token("g1", "openid");
  auto res = revoke("refresh-g1");
  REQUIRE(res.status == 200);
  CHECK(introspect("refresh-g1") == kInactive);
  CHECK(introspect(access) == kInactive);
  CHECK(grants.find_grant("g1")->revoked_at.has_value());
}

TEST_CASE_METHOD(ReadEndpoints, "another client's refresh or access token is left active",
                 "[oauth][revoke]") {  // REVOKE-4
  add_grant("g1");
  auto access = add_access_token("g1", "openid");
  REQUIRE(revoke("refresh-g1", "other").status == 200);
  REQUIRE(revoke(access, "other").status == 200);
  CHECK(json(introspect("refresh-g1"))["active"].GetBool());
  CHECK(json(introspect(access))["active"].GetBool());
}

TEST_CASE_METHOD(ReadEndpoints,
                 "userinfo returns the id_token's sub and the claims the scope allows",
                 "[oauth][userinfo]") {  // OIDC-9, OIDC-6
  add_grant("g1");
  SECTION("openid fhirUser profile") {
    auto token = add_access_token("g1", "openid fhirUser profile");
    auto res =
        call(userinfo.handler(), http::Method::GET, "", {{"Authorization", "Bearer " + token}});
    REQUIRE(res.status == 200);
    auto doc = json(res.body);
    CHECK(std::string(doc["sub"].GetString()) == "user-1");
    CHECK(std::string(doc["fhirUser"].GetString()) == "https://fhir.example/r4/Practitioner/d1");
    CHECK(std::string(doc["name"].GetString()) == "Dana Doctor");
  }
  SECTION("openid alone, the token in a POST form (RFC 6750 §2.2)") {
    auto token = add_access_token("g1", "openid");
    auto res = call(userinfo.handler(), http::Method::POST, "access_token=" + token, {});
    REQUIRE(res.status == 200);
    auto doc = json(res.body);
    CHECK(std::string(doc["sub"].GetString()) == "user-1");
    CHECK_FALSE(doc.HasMember("fhirUser"));
    CHECK_FALSE(doc.HasMember("name"));
  }
  SECTION("after the grant is revoked") {
    auto token = add_access_token("g1", "openid");
    REQUIRE(revoke("refresh-g1").status == 200);
    auto res =
        call(userinfo.handler(), http::Method::GET, "", {{"Authorization", "Bearer " + token}});
    CHECK(res.status == 401);
    CHECK(res.header("WWW-Authenticate").value().find("invalid_token") != std::string::npos);
  }
}

}  // namespace sa::oauth

namespace sa::oauth {
namespace {

TEST_CASE_METHOD(ReadEndpoints, "a client_credentials token introspects by its signature alone",
                 "[oauth][introspect][unrecorded]") {  // INTRO-7, INTRO-3
  auto token = unrecorded_token();
  CHECK(count("SELECT count(*) FROM access_tokens") == 0);
  auto doc = json(introspect(token));
  CHECK(doc["active"].GetBool());
  CHECK(std::string(doc["client_id"].GetString()) == "app");
  CHECK(std::string(doc["sub"].GetString()) == "app");
  CHECK(std::string(doc["scope"].GetString()) == "system/Patient.rs");
  CHECK(doc["exp"].GetInt64() == clock.now_seconds() + 300);
  CHECK(std::string(doc["aud"].GetString()) == kFhirBase);
  clock.advance(300);  // RFC 7519 §4.1.4: exp is the first instant it is no longer valid
  CHECK(introspect(token) == kInactive);
}

TEST_CASE_METHOD(ReadEndpoints, "only a token marked unrecorded and signed here needs no row",
                 "[oauth][introspect][unrecorded]") {  // INTRO-6
  SECTION("a forged signature") {
    auto token = unrecorded_token();
    char& c = token[token.size() - 10];  // inside the signature, clear of its padding bits
    c = c == 'A' ? 'B' : 'A';
    CHECK(introspect(token) == kInactive);
  }
  SECTION("a token signed by another key under this server's kid") {
    auto token = unrecorded_token();
    auto other = crypto::generate_key(crypto::KeyType::EC_P256).value();
    auto parsed = crypto::parse_compact(token).value();
    auto forged = crypto::sign_compact(
        other, crypto::JwsSignParams{.alg = crypto::JwsAlg::ES256, .kid = *parsed.header.kid},
        parsed.payload);
    REQUIRE(forged);
    CHECK(introspect(*forged) == kInactive);
  }
  SECTION("a recorded token whose row is missing") {
    auto issued = issuer.issue(
        {.subject = "app", .client_id = "app", .scope = "system/Patient.rs", .lifetime_s = 300});
    REQUIRE(issued);
    CHECK_FALSE(tokens::is_unrecorded_jti(issued->jti));
    CHECK(introspect(issued->jwt) == kInactive);
  }
}

TEST_CASE_METHOD(ReadEndpoints, "revoking a client_credentials token writes its row, revoked",
                 "[oauth][revoke][unrecorded]") {  // REVOKE-3, REVOKE-4
  auto token = unrecorded_token();
  REQUIRE(revoke(token, "other").status == 200);  // another client's: left as it is
  CHECK(count("SELECT count(*) FROM access_tokens") == 0);
  CHECK(json(introspect(token))["active"].GetBool());

  REQUIRE(revoke(token).status == 200);
  CHECK(introspect(token) == kInactive);
  CHECK(count("SELECT count(*) FROM access_tokens WHERE revoked_at = " +
              std::to_string(clock.now_seconds()) + " AND token_hash = '" +
              crypto::sha256_b64url(token) + "'") == 1);
  clock.advance(10);
  REQUIRE(revoke(token).status == 200);  // again: the first revocation is kept
  CHECK(count("SELECT revoked_at FROM access_tokens") == clock.now_seconds() - 10);
  // The row goes with the others once the token has expired.
  clock.advance(300);
  REQUIRE(store::test::wait_for_purge([&](store::PurgedFn done) {
            tokens.delete_expired(clock.now_seconds(), 100, std::move(done));
          }) == std::pair{StoreStatus::ok, std::uint64_t{1}});
  CHECK(count("SELECT count(*) FROM access_tokens") == 0);
}

TEST_CASE_METHOD(ReadEndpoints, "deleting its client ends a client_credentials token for good",
                 "[oauth][introspect][unrecorded]") {  // RFC 7592 §2.3
  auto token = unrecorded_token();
  REQUIRE(delete_client("app") == StoreStatus::ok);
  CHECK(introspect(token) == kInactive);
  REQUIRE(revoke(token).status == 200);
  CHECK(count("SELECT count(*) FROM access_tokens") == 0);  // ended already: nothing to write
  // A new client registered later under the same id does not revive it.
  clock.advance(1);
  REQUIRE(add_client("app") == StoreStatus::ok);
  REQUIRE(db->write_sync([&](store::Connection& conn) {
    return conn.prepare("UPDATE clients SET issued_at = ? WHERE client_id = 'app'")
        .bind(1, clock.now_seconds())
        .run();
  }) == StoreStatus::ok);
  CHECK(introspect(token) == kInactive);
  CHECK(json(introspect(unrecorded_token()))["active"].GetBool());
}

TEST_CASE_METHOD(ReadEndpoints, "token revoke --client cuts off the tokens issued until then",
                 "[oauth][introspect][unrecorded]") {  // REVOKE-5
  auto before = unrecorded_token();
  auto others = unrecorded_token("other");
  clock.advance(5);
  CHECK(revoke_client("app") == 1);
  CHECK(introspect(before) == kInactive);
  CHECK(json(introspect(others))["active"].GetBool());
  clock.advance(1);
  auto after = unrecorded_token();
  CHECK(json(introspect(after))["active"].GetBool());
  // The cut-off only moves forward, and a client that does not exist gets none.
  REQUIRE(db->write_sync([&](store::Connection& conn) {
    return conn.prepare("UPDATE client_token_cutoffs SET revoked_before = revoked_before + 100")
        .run();
  }) == StoreStatus::ok);
  CHECK(introspect(after) == kInactive);
  CHECK(revoke_client("app") == 1);
  CHECK(introspect(after) == kInactive);
  CHECK(revoke_client("nobody") == 0);
  CHECK(count("SELECT count(*) FROM client_token_cutoffs") == 1);
}

}  // namespace
}  // namespace sa::oauth
