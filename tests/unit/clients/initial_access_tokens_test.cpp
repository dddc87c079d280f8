// Initial access tokens (RFC 7591 §3) resolved from the config: matching in constant time by
// hash, and the generated demo token kept in data_dir across starts.
#include "clients/initial_access_tokens.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "obs/log.hpp"
#include "unit/store/store_test_support.hpp"

namespace sa::clients {
namespace {

config::RegistrationSettings settings(std::vector<config::InitialAccessToken> tokens) {
  config::RegistrationSettings s;
  s.initial_access_tokens = std::move(tokens);
  return s;
}

const config::InitialAccessToken kOps{
    .token = std::string(40, 'a'), .max_scope = "system/*.rs", .description = "bulk export team"};
const config::InitialAccessToken kApps{.token = std::string(40, 'b'),
                                       .max_scope = "openid patient/*.rs",
                                       .description = "app vendors"};
const config::InitialAccessToken kDemo{
    .generate = true, .max_scope = "system/*.rs", .description = "demo"};

TEST_CASE("a presented token matches its own entry and nothing else", "[clients][iat]") {
  store::test::TempDir dir;
  crypto::FakeRandom random;
  auto tokens = InitialAccessTokens::load(settings({kOps, kApps}), dir.file("data"), random);
  REQUIRE(tokens);
  const AcceptedToken* ops = tokens->match(kOps.token);
  REQUIRE(ops != nullptr);
  CHECK(ops->description == "bulk export team");
  CHECK(ops->max_scope == "system/*.rs");
  CHECK(ops->fingerprint == obs::fingerprint(kOps.token));
  CHECK(ops->fingerprint.size() == 8);
  REQUIRE(tokens->match(kApps.token) != nullptr);
  CHECK(tokens->match(kApps.token)->description == "app vendors");
  CHECK(tokens->match(std::string(40, 'c')) == nullptr);
  CHECK(tokens->match(kOps.token + "x") == nullptr);
  CHECK(tokens->match("") == nullptr);
  CHECK_FALSE(tokens->generated());
  CHECK_FALSE(std::filesystem::exists(dir.file("data")));  // nothing generated, nothing written
}

TEST_CASE("a generated token is created once, kept private in data_dir and reused",
          "[clients][iat]") {
  store::test::TempDir dir;
  const std::string data_dir = dir.file("data");
  crypto::FakeRandom first_random(1);
  auto first = InitialAccessTokens::load(settings({kDemo}), data_dir, first_random);
  REQUIRE(first);
  REQUIRE(first->generated());
  const GeneratedToken generated = *first->generated();
  CHECK(generated.token.size() >= 43);
  CHECK(generated.description == "demo");
  CHECK(first->match(generated.token) != nullptr);

  const std::string path = data_dir + "/initial_access_token";
  CHECK(std::filesystem::equivalent(generated.path, path));
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  crypto::FakeRandom other_random(99);
  auto again = InitialAccessTokens::load(settings({kDemo}), data_dir, other_random);
  REQUIRE(again);
  CHECK(again->generated()->token == generated.token);
  CHECK(again->match(generated.token) != nullptr);
}

TEST_CASE("a damaged generated-token file stops start-up naming the file", "[clients][iat]") {
  store::test::TempDir dir;
  std::filesystem::create_directories(dir.file("data"));
  std::ofstream(dir.file("data/initial_access_token")) << "short\n";
  crypto::FakeRandom random;
  auto tokens = InitialAccessTokens::load(settings({kDemo}), dir.file("data"), random);
  REQUIRE_FALSE(tokens);
  CHECK_THAT(tokens.error(),
             Catch::Contains("initial_access_token") && Catch::Contains("delete it"));
}

}  // namespace
}  // namespace sa::clients
