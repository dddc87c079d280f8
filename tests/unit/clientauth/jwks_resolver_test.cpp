#include <catch2/catch.hpp>

#include "clientauth/jwks_resolver.hpp"
#include "unit/clientauth/clientauth_test_support.hpp"

namespace sa::clientauth {
namespace {

using namespace test;

struct ResolverFixture {
  FakeClock clock{kNow};
  ManualFetch fetch;
  config::ClientAuthSettings settings{.jwks_default_cache_s = 300, .jwks_max_cache_s = 3600};
  JwksResolver resolver{settings, clock, fetch.fn()};
  crypto::PKey k1 = crypto::generate_key(crypto::KeyType::EC_P256).value();
  crypto::PKey k2 = crypto::generate_key(crypto::KeyType::EC_P256).value();
  clients::ClientRecord client{.client_id = "app", .token_endpoint_auth_method = "private_key_jwt",
                             .jwks_uri = "https://app.example/jwks"};
  std::vector<KeySetResult> results;

  void resolve(const std::string& kid) {
    resolver.resolve(client, kid, [this](KeySetResult r) { results.push_back(std::move(r)); });
  }
  std::size_t keys_in_last() const { return results.back().value()->keys.size(); }
};

TEST_CASE_METHOD(ResolverFixture, "concurrent callers share one fetch per URI",
                 "[clientauth][jwks]") {
  resolve("k1");
  resolve("k1");
  resolve("k1");
  CHECK(fetch.urls.size() == 1);
  CHECK(results.empty());
  fetch.respond(jwks_for(k1, "k1"), 60);
  REQUIRE(results.size() == 3);
  for (auto& r : results) CHECK(r);
}

TEST_CASE_METHOD(ResolverFixture, "Cache-Control max-age bounds the cache", "[clientauth][jwks]") {
  resolve("k1");
  fetch.respond(jwks_for(k1, "k1"), 60);
  clock.advance(59);
  resolve("k1");
  CHECK(fetch.urls.size() == 1);  // served from cache
  clock.advance(1);
  resolve("k1");
  CHECK(fetch.urls.size() == 2);  // expired: fetched again
  fetch.respond(jwks_for(k1, "k1"), 0);  // no-store: usable for this request only
  CHECK(results.size() == 3);
  resolve("k1");
  CHECK(fetch.urls.size() == 3);
}

TEST_CASE_METHOD(ResolverFixture, "without max-age the default applies, capped by the maximum",
                 "[clientauth][jwks]") {
  resolve("k1");
  fetch.respond(jwks_for(k1, "k1"));
  clock.advance(299);
  resolve("k1");
  CHECK(fetch.urls.size() == 1);
  clock.advance(1);
  resolve("k1");
  fetch.respond(jwks_for(k1, "k1"), 1'000'000);
  clock.advance(3599);
  resolve("k1");
  CHECK(fetch.urls.size() == 2);
  clock.advance(1);
  resolve("k1");
  CHECK(fetch.urls.size() == 3);
}

TEST_CASE_METHOD(ResolverFixture, "an unknown kid refetches once, then not again for a while",
                 "[clientauth][jwks]") {
  resolve("k1");
  fetch.respond(jwks_for(k1, "k1"), 3600);
  clock.advance(30);
  resolve("k2");  // rotated key
  REQUIRE(fetch.urls.size() == 2);
  fetch.respond(jwks_for(k2, "k2"), 3600);
  REQUIRE(results.size() == 2);
  CHECK(results.back().value()->keys.front().kid == "k2");
  resolve("nope");  // unknown kid within the interval: no fetch
  CHECK(fetch.urls.size() == 2);
  CHECK(results.size() == 3);
  clock.advance(config::ClientAuthSettings{}.jwks_min_refetch_interval_s);
  resolve("nope");
  CHECK(fetch.urls.size() == 3);
}

TEST_CASE_METHOD(ResolverFixture, "fetch failures and bad documents are reported",
                 "[clientauth][jwks]") {
  resolve("k1");
  fetch.respond("", std::nullopt, net::FetchStatus::timeout);
  CHECK(results.back().error() == AssertionFailure::JwksUnavailable);
  resolve("k1");  // just failed: no new fetch for the interval
  CHECK(fetch.urls.size() == 1);
  CHECK(results.back().error() == AssertionFailure::JwksUnavailable);
  clock.advance(config::ClientAuthSettings{}.jwks_min_refetch_interval_s);
  resolve("k1");
  fetch.respond("{not json");
  CHECK(results.back().error() == AssertionFailure::JwksInvalid);
}

TEST_CASE_METHOD(ResolverFixture, "a failed refetch keeps a still-fresh set", "[clientauth][jwks]") {
  resolve("k1");
  fetch.respond(jwks_for(k1, "k1"), 3600);
  clock.advance(20);
  resolve("k9");
  fetch.respond("", std::nullopt, net::FetchStatus::connect_failed);
  REQUIRE(results.back());
  CHECK(keys_in_last() == 1);
}

TEST_CASE_METHOD(ResolverFixture, "inline JWKS are used without fetching", "[clientauth][jwks]") {
  client.jwks_uri.clear();
  client.jwks_json = jwks_for(k1, "k1");
  resolve("k1");
  resolve("k1");
  CHECK(fetch.urls.empty());
  REQUIRE(results.size() == 2);
  CHECK(results[0].value() == results[1].value());  // parsed once
  client.jwks_json.clear();
  resolve("k1");
  CHECK(results.back().error() == AssertionFailure::NoKeysRegistered);
}

TEST_CASE_METHOD(ResolverFixture, "a client whose inline JWKS changed gets its new keys",
                 "[clientauth][jwks]") {
  // The cache is keyed by client_id and checked against the JWKS text, so an RFC 7592 update of
  // jwks takes effect on the next assertion.
  client.jwks_uri.clear();
  client.jwks_json = jwks_for(k1, "k1");
  resolve("k1");
  client.jwks_json = jwks_for(k1, "k-rotated");
  resolve("k-rotated");
  REQUIRE(results.size() == 2);
  CHECK(results[0].value() != results[1].value());
  REQUIRE(results[1].value()->keys.size() == 1);
  CHECK(results[1].value()->keys[0].kid == "k-rotated");
}

}  // namespace
}  // namespace sa::clientauth
