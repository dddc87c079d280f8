#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "clientauth/client_authenticator.hpp"
#include "crypto/hash.hpp"
#include "util/strings.hpp"
#include "unit/clientauth/clientauth_test_support.hpp"
#include "unit/store/store_test_support.hpp"

namespace sa::clientauth {
namespace {

using namespace test;
using Result = Expected<AuthenticatedClient, oauth::Error>;

// An assertion's jti is remembered by whoever acts on the authentication (the token endpoint, in
// the write that records the token); here, as for a request that records nothing, alone.
Result settled(Result r) {
  if (!r || !r->replay_claim) return r;
  std::promise<std::optional<oauth::Error>> outcome;
  auto future = outcome.get_future();
  r->replay_claim->commit_alone(
      [&](std::optional<oauth::Error> rejected) { outcome.set_value(std::move(rejected)); });
  if (auto rejected = future.get()) return unexpected(std::move(*rejected));
  return r;
}

struct Fixture {
  FakeClock clock{kNow};
  FakeClientStore clients;
  FakeReplayStore replay;
  ManualFetch fetch;
  config::ClientAuthSettings settings;
  JwksResolver resolver{settings, clock, fetch.fn()};
  ClientAuthenticator auth{{kTokenUrl, settings}, clients, resolver, replay, clock};
  crypto::PKey key = crypto::generate_key(crypto::KeyType::EC_P384).value();

  Fixture() {
    add("basic-app", "client_secret_basic", "s3cret");
    add("post-app", "client_secret_post", "p@ss word");
    add("public-app", "none", "");
    clients::ClientRecord jwt{.client_id = "jwt-app", .token_endpoint_auth_method = "private_key_jwt"};
    jwt.jwks_json = jwks_for(key, "k1");
    clients.clients["jwt-app"] = jwt;
  }
  void add(const std::string& id, const std::string& method, const std::string& secret) {
    clients::ClientRecord c{.client_id = id, .token_endpoint_auth_method = method};
    if (!secret.empty()) c.secret_hash = crypto::sha256_b64url(secret);
    clients.clients[id] = c;
  }
  Result run(const std::string& body, const std::string& authorization = "") {
    http::Request req;
    req.method = http::Method::POST;
    if (!authorization.empty()) req.headers.push_back({"Authorization", authorization});
    auto form = oauth::Form::parse(body).value();
    std::optional<Result> out;
    auth.authenticate(req, form, [&](Result r) { out = std::move(r); });
    REQUIRE(out);  // every path here completes synchronously with the fakes
    return settled(std::move(*out));
  }
  std::string assertion(const std::string& jti = "j1", std::int64_t exp = kNow + 300) {
    return sign(key, crypto::JwsAlg::ES384, "k1", claims("jwt-app", exp, jti));
  }
  static std::string jwt_body(const std::string& assertion,
                              std::string type = std::string(kJwtBearerAssertionType)) {
    return "grant_type=client_credentials&client_assertion_type=" + url_encode(type) +
           "&client_assertion=" + assertion;
  }
};

std::string basic(const std::string& raw) { return "Basic " + base64_encode(raw); }

TEST_CASE_METHOD(Fixture, "client_secret_basic authenticates with the registered secret",
                 "[clientauth]") {
  auto ok = run("grant_type=client_credentials", basic("basic-app:s3cret"));
  REQUIRE(ok);
  CHECK(ok->client.client_id == "basic-app");
  CHECK(ok->method == "client_secret_basic");
  auto bad = run("grant_type=client_credentials", basic("basic-app:wrong"));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == oauth::ErrorCode::invalid_client);
  CHECK(oauth::status_of(bad.error()) == 401);
  CHECK(bad.error().challenge == oauth::Challenge::basic);
}

TEST_CASE("Basic credentials are form-decoded after base64 (RFC 6749 §2.3.1)", "[clientauth]") {
  auto d = decode_basic("Basic " + base64_encode("my%3Aapp:p%40ss+w%25rd"));
  REQUIRE(d);
  CHECK(d->client_id == "my:app");
  CHECK(d->secret == "p@ss w%rd");
  CHECK(decode_basic("basic " + base64_encode("a:b")));
  CHECK_FALSE(decode_basic("Basic !!!notbase64"));
  CHECK_FALSE(decode_basic("Basic " + base64_encode("no-colon")));
  CHECK_FALSE(decode_basic("Basic " + base64_encode(":secret")));
  CHECK_FALSE(decode_basic("Basic " + base64_encode("a%zz:b")));
  CHECK_FALSE(decode_basic("Bearer abc"));
}

TEST_CASE_METHOD(Fixture, "malformed Basic is invalid_client with a challenge", "[clientauth]") {
  auto r = run("grant_type=client_credentials", "Basic %%%");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == oauth::ErrorCode::invalid_client);
  CHECK(oauth::status_of(r.error()) == 401);
}

TEST_CASE_METHOD(Fixture, "client_secret_post and public clients", "[clientauth]") {
  auto post = run("client_id=post-app&client_secret=p%40ss+word");
  REQUIRE(post);
  CHECK(post->method == "client_secret_post");
  auto bad = run("client_id=post-app&client_secret=nope");
  REQUIRE_FALSE(bad);
  CHECK(oauth::status_of(bad.error()) == 400);  // body-based: 400 (CAUTH-11)
  auto pub = run("client_id=public-app");
  REQUIRE(pub);
  CHECK(pub->method == "none");
  CHECK_FALSE(run("client_id=nobody"));
  CHECK_FALSE(run("grant_type=client_credentials"));
}

TEST_CASE_METHOD(Fixture, "a method other than the registered one is invalid_client",
                 "[clientauth]") {
  auto r = run("client_id=basic-app&client_secret=s3cret");  // registered for Basic
  REQUIRE_FALSE(r);
  CHECK(r.error().code == oauth::ErrorCode::invalid_client);
  CHECK_FALSE(run("client_id=basic-app"));  // no secret at all
  CHECK_FALSE(run("", basic("public-app:x")));
  CHECK_FALSE(run("client_id=jwt-app"));
}

TEST_CASE_METHOD(Fixture, "two methods at once are invalid_request", "[clientauth]") {
  auto r = run("client_id=basic-app&client_secret=s3cret", basic("basic-app:s3cret"));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == oauth::ErrorCode::invalid_request);
  auto both = run(jwt_body(assertion()) + "&client_secret=x&client_id=jwt-app");
  REQUIRE_FALSE(both);
  CHECK(both.error().code == oauth::ErrorCode::invalid_request);
}

TEST_CASE_METHOD(Fixture, "an expired secret no longer authenticates", "[clientauth]") {
  clients.clients["basic-app"].secret_expires_at = kNow;
  CHECK_FALSE(run("", basic("basic-app:s3cret")));
  clients.clients["basic-app"].secret_expires_at = kNow + 1;
  CHECK(run("", basic("basic-app:s3cret")));
}

TEST_CASE_METHOD(Fixture, "private_key_jwt authenticates once per jti", "[clientauth]") {
  auto first = run(jwt_body(assertion("j1")));
  REQUIRE(first);
  CHECK(first->client.client_id == "jwt-app");
  CHECK(first->method == "private_key_jwt");
  auto again = run(jwt_body(assertion("j1")));
  REQUIRE_FALSE(again);
  CHECK(again.error().code == oauth::ErrorCode::invalid_client);
  CHECK(again.error().internal.find("replayed") != std::string::npos);
  CHECK(run(jwt_body(assertion("j2")) + "&client_id=jwt-app"));
  CHECK_FALSE(run(jwt_body(assertion("j3")) + "&client_id=other"));
}

TEST_CASE_METHOD(Fixture, "a bad client_assertion_type is invalid_client with 400",
                 "[clientauth]") {
  auto r = run(jwt_body(assertion(), "not_an_assertion_type"));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == oauth::ErrorCode::invalid_client);
  CHECK(oauth::status_of(r.error()) == 400);
  auto missing = run("client_assertion=" + assertion());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == oauth::ErrorCode::invalid_request);
}

TEST_CASE_METHOD(Fixture, "assertion failures are invalid_client; store failures server_error",
                 "[clientauth]") {
  auto stranger = sign(key, crypto::JwsAlg::ES384, "k1", claims("not_a_valid_iss", kNow + 60));
  auto r = run(jwt_body(stranger));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == oauth::ErrorCode::invalid_client);
  CHECK(run(jwt_body(assertion("j9", kNow - 3600))).error().code ==
        oauth::ErrorCode::invalid_client);
  clients.broken = true;
  CHECK(run(jwt_body(assertion("j10"))).error().code == oauth::ErrorCode::server_error);
  CHECK(run("", basic("basic-app:s3cret")).error().code == oauth::ErrorCode::server_error);
}

TEST_CASE_METHOD(Fixture, "descriptions and internals never carry the secret", "[clientauth]") {
  auto r = run("", basic("basic-app:hunter2-secret"));
  REQUIRE_FALSE(r);
  CHECK(r.error().description.find("hunter2") == std::string::npos);
  CHECK(r.error().internal.find("hunter2") == std::string::npos);
}

TEST_CASE_METHOD(Fixture, "a replay store that fails makes authentication a server_error",
                 "[clientauth][replay]") {  // CAUTH-6
  for (auto status : {store::StoreStatus::io_error, store::StoreStatus::busy}) {
    replay.fail_with = status;
    auto r = run(jwt_body(assertion("j-store")));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == oauth::ErrorCode::server_error);
    CHECK(oauth::status_of(r.error()) == 500);
  }
}

TEST_CASE_METHOD(Fixture, "every client authentication failure gives the client the same words",
                 "[clientauth]") {  // CAUTH-11: the audit log, not the client, learns why
  auto stranger = sign(key, crypto::JwsAlg::ES384, "k1", claims("nobody", kNow + 60));
  auto unknown_kid = sign(key, crypto::JwsAlg::ES384, "k9", claims("jwt-app", kNow + 60, "j5"));
  auto other_key = crypto::generate_key(crypto::KeyType::EC_P384).value();
  auto forged = sign(other_key, crypto::JwsAlg::ES384, "k1", claims("jwt-app", kNow + 60, "j6"));
  std::vector<Result> failures = {
      run(jwt_body(stranger)),
      run(jwt_body(unknown_kid)),
      run(jwt_body(forged)),
      run(jwt_body(assertion("j7", kNow - 3600))),
      run(jwt_body(assertion(), "not_an_assertion_type")),
      run("", basic("basic-app:wrong")),
      run("", basic("nobody:s3cret")),
      run("client_id=post-app&client_secret=nope"),
      run("client_id=nobody"),
  };
  for (const auto& r : failures) {
    REQUIRE_FALSE(r);
    INFO(r.error().internal);
    CHECK(r.error().code == oauth::ErrorCode::invalid_client);
    CHECK(r.error().description == "client authentication failed");
  }
  CHECK(failures[0].error().internal.find("unknown_client") != std::string::npos);
  CHECK(failures[1].error().internal.find("unknown_kid") != std::string::npos);
}

TEST_CASE("a replayed assertion is refused at the very second it stops being acceptable",
          "[clientauth][replay]") {  // CAUTH-6, CAUTH-5
  store::test::TempDir dir;
  auto db = store::Database::open(store::test::settings_in(dir));
  REQUIRE(db);
  auto replay = SqliteReplayStore::open(**db, kNow).value();
  FakeClock clock{kNow};
  FakeClientStore clients;
  ManualFetch fetch;
  config::ClientAuthSettings settings;
  JwksResolver resolver{settings, clock, fetch.fn()};
  ClientAuthenticator auth{{kTokenUrl, settings}, clients, resolver, *replay, clock};
  auto key = crypto::generate_key(crypto::KeyType::EC_P256).value();
  clients::ClientRecord jwt{.client_id = "jwt-app", .token_endpoint_auth_method = "private_key_jwt"};
  jwt.jwks_json = jwks_for(key, "k1");
  clients.clients["jwt-app"] = jwt;
  const std::int64_t exp = kNow + 300;
  auto body = Fixture::jwt_body(sign(key, crypto::JwsAlg::ES256, "k1", claims("jwt-app", exp)));
  auto run = [&] {
    http::Request req;
    std::promise<Result> outcome;
    auto future = outcome.get_future();
    auth.authenticate(req, oauth::Form::parse(body).value(),
                      [&](Result r) { outcome.set_value(std::move(r)); });
    return settled(future.get());
  };
  REQUIRE(run());
  // The assertion is acceptable up to exp + clock_skew_s inclusive, so its jti must be too.
  clock.set(exp + settings.clock_skew_s);
  auto replayed = run();
  REQUIRE_FALSE(replayed);
  CHECK(replayed.error().internal.find("replayed") != std::string::npos);
  clock.set(exp + settings.clock_skew_s + 1);
  auto late = run();
  REQUIRE_FALSE(late);
  CHECK(late.error().internal.find("expired") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "a slow jwks_uri fetch does not move the time the request is judged at",
                 "[clientauth][replay]") {  // CAUTH-6
  clients::ClientRecord remote{.client_id = "remote-app",
                             .token_endpoint_auth_method = "private_key_jwt"};
  remote.jwks_uri = "https://app.example.org/jwks.json";
  clients.clients["remote-app"] = remote;
  auto signed_assertion =
      sign(key, crypto::JwsAlg::ES384, "k1", claims("remote-app", kNow + 300, "slow-1"));
  http::Request req;
  std::optional<Result> out;
  auth.authenticate(req, oauth::Form::parse(jwt_body(signed_assertion)).value(),
                    [&](Result r) { out = std::move(r); });
  REQUIRE_FALSE(out);
  REQUIRE(fetch.pending.size() == 1);
  clock.advance(45);  // the fetch took 45 s
  fetch.respond(jwks_for(key, "k1"), 300);
  REQUIRE(out);
  REQUIRE(*out);
  CHECK(replay.last_now == kNow);
  CHECK(replay.last_until == kNow + 300 + settings.clock_skew_s);
}

TEST_CASE_METHOD(Fixture,
                 "an assertion completes on the caller's thread unless its keys were fetched",
                 "[clientauth]") {
  // Keys at hand: done runs right here, as for a client secret (no hop to the workers). Keys
  // fetched: done leaves the fetch thread through `post`.
  int posted = 0;
  ClientAuthenticator posting{{kTokenUrl, settings}, clients, resolver, replay, clock,
                              [&](std::function<void()> task) {
                                ++posted;
                                task();
                              }};
  // Where the last done ran; outlives every call, as a fetched key set completes later.
  std::optional<std::thread::id> ran_on;
  auto authenticate = [&](const std::string& client_id, const std::string& jti) {
    auto assertion = sign(key, crypto::JwsAlg::ES384, "k1", claims(client_id, kNow + 300, jti));
    ran_on.reset();
    http::Request req;
    posting.authenticate(req, oauth::Form::parse(jwt_body(assertion)).value(), [&](Result r) {
      CHECK(r);
      ran_on = std::this_thread::get_id();
    });
    return ran_on;
  };
  CHECK(authenticate("jwt-app", "inline-1") == std::this_thread::get_id());
  CHECK(posted == 0);

  clients::ClientRecord remote{.client_id = "remote-app",
                               .token_endpoint_auth_method = "private_key_jwt"};
  remote.jwks_uri = "https://app.example.org/jwks.json";
  clients.clients["remote-app"] = remote;
  CHECK_FALSE(authenticate("remote-app", "fetched-1"));
  REQUIRE(fetch.pending.size() == 1);
  std::thread fetch_thread([&] { fetch.respond(jwks_for(key, "k1"), 300); });
  const std::thread::id fetched_on = fetch_thread.get_id();
  fetch_thread.join();
  CHECK(posted == 1);
  CHECK(ran_on == fetched_on);  // `post` here runs the task at once, on the posting thread
  // The fetched set is cached now: the next assertion is inline again.
  CHECK(authenticate("remote-app", "cached-1") == std::this_thread::get_id());
  CHECK(posted == 1);
}

}  // namespace
}  // namespace sa::clientauth
