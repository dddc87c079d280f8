// SqliteClientStore over a real SQLite file with the embedded migrations.
#include <catch2/catch.hpp>

#include "clients/sqlite_client_store.hpp"
#include "clients/static_clients.hpp"
#include "unit/store/store_test_support.hpp"

namespace sa::clients {
namespace {

using store::DoneFn;
using store::StoreStatus;
using store::test::wait_for_done;

ClientRecord record(std::string id, bool is_static = false) {
  return ClientRecord{.client_id = std::move(id),
                      .token_endpoint_auth_method = "client_secret_basic",
                      .grant_types = {"authorization_code", "refresh_token"},
                      .redirect_uris = {"https://a.example/cb", "https://a.example/cb2"},
                      .scope = "openid launch",
                      .secret_hash = "hash",
                      .secret_expires_at = 0,
                      .registration_token_hash = is_static ? "" : "rat-hash",
                      .issued_at = 100,
                      .is_static = is_static,
                      .metadata_json = "{}"};
}

struct Fixture {
  store::test::TempDir dir;
  std::unique_ptr<store::Database> db = store::test::open_database(dir);
  SqliteClientStore clients{*db};

  StoreStatus insert(ClientRecord r) {
    return wait_for_done([&](DoneFn done) { clients.insert(std::move(r), std::move(done)); });
  }
};

TEST_CASE("an inserted client reads back field for field", "[clients][store]") {
  Fixture f;
  REQUIRE(f.insert(record("c1")) == StoreStatus::ok);
  auto found = f.clients.find("c1");
  REQUIRE(found);
  CHECK(found->token_endpoint_auth_method == "client_secret_basic");
  CHECK(found->grant_types == std::vector<std::string>{"authorization_code", "refresh_token"});
  CHECK(found->redirect_uris.size() == 2);
  CHECK(found->scope == "openid launch");
  CHECK(found->secret_hash == "hash");
  CHECK(found->registration_token_hash == "rat-hash");
  CHECK(found->issued_at == 100);
  CHECK_FALSE(found->is_static);
  CHECK(f.clients.find("nope").error() == StoreStatus::not_found);
}

TEST_CASE("a client's registration cap is stored with it, and absent for older rows",
          "[clients][store]") {
  Fixture f;
  ClientRecord capped = record("capped");
  capped.max_scope = "openid patient/*.rs";
  REQUIRE(f.insert(capped) == StoreStatus::ok);
  REQUIRE(f.insert(record("legacy")) == StoreStatus::ok);
  CHECK(f.clients.find("capped")->max_scope == "openid patient/*.rs");
  CHECK_FALSE(f.clients.find("legacy")->max_scope.has_value());
  capped.max_scope = "openid";
  REQUIRE(wait_for_done([&](DoneFn done) { f.clients.replace(capped, std::move(done)); }) ==
          StoreStatus::ok);
  CHECK(f.clients.find("capped")->max_scope == "openid");
}

TEST_CASE("a duplicate client_id is a conflict", "[clients][store]") {
  Fixture f;
  REQUIRE(f.insert(record("c1")) == StoreStatus::ok);
  CHECK(f.insert(record("c1")) == StoreStatus::conflict);
}

TEST_CASE("replace and remove report a missing client as not_found", "[clients][store]") {
  Fixture f;
  REQUIRE(f.insert(record("c1")) == StoreStatus::ok);
  ClientRecord changed = record("c1");
  changed.scope = "system/*.rs";
  changed.redirect_uris.clear();
  CHECK(wait_for_done([&](DoneFn d) { f.clients.replace(changed, std::move(d)); }) ==
        StoreStatus::ok);
  CHECK(f.clients.find("c1")->scope == "system/*.rs");
  CHECK(f.clients.find("c1")->redirect_uris.empty());
  CHECK(wait_for_done([&](DoneFn d) { f.clients.replace(record("c2"), std::move(d)); }) ==
        StoreStatus::not_found);
  CHECK(wait_for_done([&](DoneFn d) { f.clients.remove("c1", std::move(d)); }) ==
        StoreStatus::ok);
  CHECK(f.clients.find("c1").error() == StoreStatus::not_found);
  CHECK(wait_for_done([&](DoneFn d) { f.clients.remove("c1", std::move(d)); }) ==
        StoreStatus::not_found);
}

TEST_CASE("sync_static upserts the configured clients and drops stale static ones only",
          "[clients][store]") {
  Fixture f;
  REQUIRE(f.insert(record("dynamic")) == StoreStatus::ok);
  REQUIRE(f.clients.sync_static({record("s1", true), record("s2", true)}) == StoreStatus::ok);
  ClientRecord s1 = record("s1", true);
  s1.scope = "changed";
  REQUIRE(f.clients.sync_static({s1}) == StoreStatus::ok);
  CHECK(f.clients.find("s1")->scope == "changed");
  CHECK(f.clients.find("s2").error() == StoreStatus::not_found);
  CHECK(f.clients.find("dynamic"));
  SECTION("a static id equal to a dynamic client's is refused") {
    CHECK(f.clients.sync_static({record("dynamic", true)}) == StoreStatus::conflict);
    CHECK_FALSE(f.clients.find("dynamic")->is_static);
  }
}

TEST_CASE("static clients from the config are stored with hashed secrets", "[clients][store]") {
  Fixture f;
  config::Config cfg;
  cfg.clients.push_back(config::StaticClient{.client_id = "portal",
                                             .client_secret = std::string(40, 's'),
                                             .redirect_uris = {"https://p.example/cb"},
                                             .pre_approved = true});
  FakeClock clock(1000);
  REQUIRE_FALSE(load_static_clients(cfg, f.clients, clock));
  auto portal = f.clients.find("portal");
  REQUIRE(portal);
  CHECK(portal->is_static);
  CHECK(portal->pre_approved);
  CHECK(portal->registration_token_hash.empty());
  CHECK(portal->secret_hash.size() == 43);
  CHECK(portal->secret_hash != std::string(40, 's'));

  SECTION("a bad inline JWKS fails start-up naming the client") {
    cfg.clients[0] = config::StaticClient{.client_id = "bulk",
                                          .token_endpoint_auth_method = "private_key_jwt",
                                          .grant_types = {"client_credentials"},
                                          .jwks = R"({"keys":[{"kty":"oct","k":"AA"}]})"};
    auto err = load_static_clients(cfg, f.clients, clock);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::Contains("clients[0] (bulk): jwks"));
  }
}

}  // namespace
}  // namespace sa::clients
