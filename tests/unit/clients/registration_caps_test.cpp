// The start-up pass that holds clients stored before registration caps to them (issue 6 finding
// 2.1), over a real SQLite file behind the same read-through cache the service uses.
#include "clients/registration_caps.hpp"

#include <catch2/catch.hpp>

#include "clients/cached_client_store.hpp"
#include "unit/store/store_test_support.hpp"

namespace sa::clients {
namespace {

using store::DoneFn;
using store::StoreStatus;
using store::test::wait_for_done;

constexpr std::string_view kRegistrationMaxScope = "openid launch patient/*.cruds user/*.cruds";

ClientRecord backend(std::string id, std::string scope, std::optional<std::string> max_scope) {
  return ClientRecord{.client_id = std::move(id),
                      .token_endpoint_auth_method = "private_key_jwt",
                      .grant_types = {"client_credentials"},
                      .scope = scope,
                      .jwks_json = R"({"keys":[]})",
                      .registration_token_hash = "rat-hash",
                      .issued_at = 100,
                      .metadata_json = R"({"grant_types":["client_credentials"],"scope":")" +
                                       scope + R"(","client_name":"bulk"})",
                      .max_scope = std::move(max_scope)};
}

struct Fixture {
  store::test::TempDir dir;
  std::unique_ptr<store::Database> db = store::test::open_database(dir);
  FakeClock clock{1000};
  SqliteClientStore rows{*db};
  CachedClientStore clients{rows, clock, 3600};

  void insert(ClientRecord r) {
    REQUIRE(wait_for_done([&](DoneFn done) { rows.insert(std::move(r), std::move(done)); }) ==
            StoreStatus::ok);
  }
  CapSummary apply() {
    auto summary = apply_registration_caps(rows, clients, kRegistrationMaxScope);
    REQUIRE(summary);
    return *summary;
  }
};

// DCR-5, SEC-4
TEST_CASE("a client stored with system/ scopes and no cap is trimmed to registration.max_scope",
          "[clients][caps]") {
  Fixture f;
  f.insert(backend("hole", "system/*.cruds patient/*.rs", std::nullopt));
  REQUIRE(f.clients.find("hole")->scope == "system/*.cruds patient/*.rs");  // now cached
  CapSummary summary = f.apply();
  CHECK(summary.checked == 1);
  CHECK(summary.trimmed == 1);
  auto after = f.clients.find("hole");
  REQUIRE(after);
  CHECK(after->scope == "patient/*.rs");
  CHECK(after->metadata_json ==
        R"({"grant_types":["client_credentials"],"client_name":"bulk","scope":"patient/*.rs"})");
  CHECK_FALSE(after->max_scope.has_value());  // registration.max_scope keeps applying
  CHECK(f.rows.find("hole")->scope == "patient/*.rs");
}

TEST_CASE("a client_credentials client whose cap allows no system/ scope is left with no scope",
          "[clients][caps]") {  // BACKEND-1: it can no longer get a token
  Fixture f;
  f.insert(backend("hole", "system/*.cruds", std::nullopt));
  f.apply();
  auto after = f.rows.find("hole");
  REQUIRE(after);
  CHECK(after->scope.empty());
  CHECK(after->metadata_json == R"({"grant_types":["client_credentials"],"client_name":"bulk"})");
}

TEST_CASE("a client's own stored cap is the one that applies", "[clients][caps]") {
  Fixture f;
  f.insert(backend("wide", "system/*.cruds", "system/*.rs"));
  f.insert(backend("within", "system/Patient.r system/*.rs", "system/*.rs"));
  CapSummary summary = f.apply();
  CHECK(summary.checked == 2);
  CHECK(summary.trimmed == 1);
  CHECK(f.rows.find("wide")->scope == "system/*.rs");
  // Only spelled wider than needed (system/*.rs subsumes system/Patient.r): not rewritten.
  CHECK(f.rows.find("within")->scope == "system/Patient.r system/*.rs");
}

TEST_CASE("static clients keep what the YAML gives them", "[clients][caps]") {
  Fixture f;
  ClientRecord yaml = backend("from-yaml", "system/*.cruds", "system/*.cruds");
  yaml.is_static = true;
  yaml.registration_token_hash.clear();
  yaml.max_scope.reset();
  f.insert(yaml);
  CapSummary summary = f.apply();
  CHECK(summary.checked == 0);
  CHECK(f.rows.find("from-yaml")->scope == "system/*.cruds");
}

TEST_CASE("applying the caps again changes nothing", "[clients][caps]") {
  Fixture f;
  f.insert(backend("hole", "system/*.cruds user/*.rs launch", std::nullopt));
  f.insert(backend("fine", "openid patient/*.rs", std::nullopt));
  CHECK(f.apply().trimmed == 1);
  const ClientRecord once = *f.rows.find("hole");
  CapSummary again = f.apply();
  CHECK(again.checked == 2);
  CHECK(again.trimmed == 0);
  CHECK(f.rows.find("hole")->scope == once.scope);
  CHECK(once.scope == "user/*.rs launch");
}

TEST_CASE("a stored scope that no longer parses keeps nothing", "[clients][caps]") {
  Fixture f;
  f.insert(backend("odd", "system/*.cruds patient/*.rs \"quoted\"", std::nullopt));
  CHECK(f.apply().trimmed == 1);
  CHECK(f.rows.find("odd")->scope.empty());
}

}  // namespace
}  // namespace sa::clients
