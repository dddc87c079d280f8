// The registration policy (CONTRACT "Registration policy", finding 2.1): scope trimmed to the cap,
// client_credentials only with a cap that allows system/ scopes and an allowed auth method.
#include "clients/registration_policy.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "clients/metadata.hpp"
#include "config/config.hpp"

namespace sa::clients {
namespace {

using oauth::ErrorCode;

const std::string kDefaultCap(config::kDefaultRegistrationMaxScope);
const std::vector<std::string> kKeysOnly = {"private_key_jwt"};
const std::vector<std::string> kWithSecrets = {"private_key_jwt", "client_secret_basic"};

ClientMetadata backend(std::string method, std::string scope) {
  return ClientMetadata{.grant_types = {"client_credentials"},
                        .token_endpoint_auth_method = std::move(method),
                        .jwks = R"({"keys":[]})",
                        .scope = std::move(scope)};
}

ClientMetadata app(std::string scope) {
  return ClientMetadata{.redirect_uris = {"https://app.example.org/cb"},
                        .grant_types = {"authorization_code"},
                        .token_endpoint_auth_method = "none",
                        .scope = std::move(scope)};
}

TEST_CASE(
    "without an initial access token a client cannot get system scopes or "
    "client_credentials",
    "[clients][policy]") {  // DCR-5, BACKEND-3
  SECTION("client_credentials is refused, saying how to get a token") {
    ClientMetadata m = backend("private_key_jwt", "system/*.cruds");
    auto error = apply_registration_policy(m, kDefaultCap, kWithSecrets);
    REQUIRE(error);
    CHECK(error->code == ErrorCode::invalid_client_metadata);
    CHECK_THAT(error->description,
               Catch::Contains("initial access token") && Catch::Contains("EHR administrator"));
  }
  SECTION("system/ scopes are trimmed from an app's scope") {
    ClientMetadata m = app("openid fhirUser system/*.cruds patient/*.rs __custom");
    REQUIRE_FALSE(apply_registration_policy(m, kDefaultCap, kKeysOnly));
    CHECK(m.scope == "openid fhirUser patient/*.rs");
  }
}

TEST_CASE("the default cap covers the v1 and v2 spellings of patient and user access",
          "[clients][policy]") {  // SCOPE-2, SCOPE-11
  const std::string asked = GENERATE(
      as<std::string>{},
      "openid fhirUser profile launch launch/patient launch/encounter offline_access "
      "online_access",
      "patient/*.read", "patient/*.write", "patient/*.*", "user/*.read", "user/*.write", "user/*.*",
      "patient/*.rs", "user/*.cruds", "patient/Observation.rs?category=laboratory",
      "openid patient/*.read user/Encounter.write");
  ClientMetadata m = app(asked);
  REQUIRE_FALSE(apply_registration_policy(m, kDefaultCap, kKeysOnly));
  CHECK(m.scope == asked);
}

TEST_CASE("a cap that allows system/ scopes admits client_credentials and narrows its scope",
          "[clients][policy]") {  // BACKEND-3
  ClientMetadata m = backend("private_key_jwt", "system/Patient.read system/*.cruds patient/*.rs");
  REQUIRE_FALSE(apply_registration_policy(m, "system/Patient.rs system/Observation.r", kKeysOnly));
  CHECK(m.scope == "system/Patient.read system/Observation.r");
}

TEST_CASE("client_credentials with a method the server does not allow names the method",
          "[clients][policy]") {  // BACKEND-1
  ClientMetadata m = backend("client_secret_basic", "system/*.rs");
  auto error = apply_registration_policy(m, "system/*.rs", kKeysOnly);
  REQUIRE(error);
  CHECK(error->code == ErrorCode::invalid_client_metadata);
  CHECK_THAT(error->description,
             Catch::StartsWith("token_endpoint_auth_method") && Catch::Contains("private_key_jwt"));
  ClientMetadata allowed = backend("client_secret_basic", "system/*.rs");
  CHECK_FALSE(apply_registration_policy(allowed, "system/*.rs", kWithSecrets));
}

TEST_CASE("a registered scope over the bounds is invalid client metadata",
          "[clients][policy]") {  // finding 2.2
  std::string scope;
  for (int i = 0; i <= 100; ++i)
    scope += (i ? " " : "") + std::string("patient/Patient.r?a=") + std::to_string(i);
  ClientMetadata m = app(scope);
  auto error = apply_registration_policy(m, kDefaultCap, kKeysOnly);
  REQUIRE(error);
  CHECK(error->code == ErrorCode::invalid_client_metadata);
  CHECK_THAT(error->description, Catch::StartsWith("scope: ") && Catch::Contains("at most 100"));
}

TEST_CASE("an empty cap allows nothing", "[clients][policy]") {
  ClientMetadata m = app("openid patient/*.rs");
  REQUIRE_FALSE(apply_registration_policy(m, "", kKeysOnly));
  CHECK(m.scope.empty());
}

}  // namespace
}  // namespace sa::clients
