#include "oauth/grants/client_credentials.hpp"

#include <rapidjson/document.h>

#include <catch2/catch.hpp>

#include "crypto/jws.hpp"

#include "unit/oauth/oauth_test_support.hpp"

namespace sa::oauth {
namespace {

struct Fixture : test::Issuing {
  ClientCredentialsGrant grant{config::TokenSettings{}, issuer};

  GrantResult run(const std::string& body, std::string registered_scope = "system/*.rs",
                  std::string method = "private_key_jwt") {
    clients::ClientRecord client{.client_id = "backend",
                               .token_endpoint_auth_method = method};
    client.scope = std::move(registered_scope);
    client.grant_types = {"client_credentials"};
    TokenRequest request{Form::parse(body).value(), {client, method}, "req-1"};
    std::optional<GrantResult> out;
    grant.handle(request, [&](GrantResult r) { out = std::move(r); });
    REQUIRE(out);
    return std::move(*out);
  }
};

TEST_CASE_METHOD(Fixture, "client_credentials grants the requested system scopes the client holds",
                 "[oauth][client_credentials]") {
  // BACKEND-3: granted = requested ∩ registered, in the token as in the response.
  auto result = run("grant_type=client_credentials&scope=system/Patient.rs+system/Observation.r",
                    "system/Patient.rs system/Observation.rs");
  REQUIRE(result);
  CHECK(result->response.scope == "system/Patient.rs system/Observation.r");
  CHECK(result->response.expires_in == config::TokenSettings{}.access_token_lifetime_s);
  CHECK_FALSE(result->response.refresh_token);  // BACKEND-5: no refresh token
  // Nothing recorded: the token says it all (RFC 9068 §2.2), and its jti says it is unrecorded.
  CHECK(tokens::is_unrecorded_jti(result->jti));
  auto parsed = crypto::parse_compact(result->response.access_token);
  REQUIRE(parsed);
  rapidjson::Document claims;
  claims.Parse(parsed->payload.c_str());
  REQUIRE(claims.IsObject());
  CHECK(std::string(claims["jti"].GetString()) == result->jti);
  CHECK(std::string(claims["sub"].GetString()) == "backend");
  CHECK(std::string(claims["client_id"].GetString()) == "backend");
  CHECK(std::string(claims["scope"].GetString()) == result->response.scope);
  CHECK(claims["exp"].GetInt64() - claims["iat"].GetInt64() == result->response.expires_in);
}

TEST_CASE_METHOD(Fixture, "client_credentials grants only system/ scopes",
                 "[oauth][client_credentials]") {
  // BACKEND-2
  auto scope = GENERATE("patient/*.rs", "user/Patient.rs", "openid", "launch", "offline_access",
                        "system/*.rs patient/*.rs");
  auto result = run("grant_type=client_credentials&scope=" + std::string(scope),
                    "system/*.rs patient/*.rs user/*.rs openid launch offline_access");
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::invalid_scope);
}

TEST_CASE_METHOD(Fixture, "client_credentials without a scope is invalid_scope",
                 "[oauth][client_credentials]") {
  auto result = run("grant_type=client_credentials");
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::invalid_scope);
}

TEST_CASE_METHOD(Fixture, "scopes outside the registration leave nothing to grant: invalid_scope",
                 "[oauth][client_credentials]") {
  auto result = run("grant_type=client_credentials&scope=system/Patient.cud", "system/*.rs");
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::invalid_scope);
}

TEST_CASE_METHOD(Fixture, "an unreadable registered scope is a server_error, not 'not allowed'",
                 "[oauth][client_credentials]") {
  // The registered scope was validated when stored; failing to read it is the server's fault.
  auto result = run("grant_type=client_credentials&scope=system/Patient.rs", "system/Patient.rs \"");
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::server_error);
  CHECK(result.error().internal.find("backend") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "a public client cannot use client_credentials",
                 "[oauth][client_credentials]") {
  auto result = run("grant_type=client_credentials&scope=system/Patient.rs", "system/*.rs", "none");
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::unauthorized_client);
}

}  // namespace
}  // namespace sa::oauth

namespace sa::oauth {
namespace {

TEST_CASE_METHOD(Fixture, "client secrets may use client_credentials only where the EHR allows it",
                 "[oauth][client_credentials]") {
  // BACKEND-1: by default only private_key_jwt (tokens.client_credentials_auth_methods).
  auto refused = run("grant_type=client_credentials&scope=system/Patient.rs", "system/*.rs",
                     "client_secret_basic");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::unauthorized_client);

  config::TokenSettings allowing;
  allowing.client_credentials_auth_methods = {"private_key_jwt", "client_secret_basic"};
  ClientCredentialsGrant lenient{allowing, issuer};
  clients::ClientRecord client{.client_id = "backend",
                               .token_endpoint_auth_method = "client_secret_basic"};
  client.scope = "system/*.rs";
  client.grant_types = {"client_credentials"};
  TokenRequest request{Form::parse("grant_type=client_credentials&scope=system/Patient.rs").value(),
                       {client, "client_secret_basic"}, "req-2"};
  std::optional<GrantResult> out;
  lenient.handle(request, [&](GrantResult r) { out = std::move(r); });
  REQUIRE(out);
  CHECK(out->has_value());
}

}  // namespace
}  // namespace sa::oauth
