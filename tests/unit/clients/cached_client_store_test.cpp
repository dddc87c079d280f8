#include "clients/cached_client_store.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace sa;

namespace {

// An in-memory ClientStore that counts reads.
class CountingStore final : public clients::ClientStore {
 public:
  int reads = 0;
  std::map<std::string, clients::ClientRecord, std::less<>> rows;

  Expected<clients::ClientRecord, store::StoreStatus> find(std::string_view id) override {
    ++reads;
    auto it = rows.find(id);
    if (it == rows.end()) return unexpected(store::StoreStatus::not_found);
    return it->second;
  }
  void insert(clients::ClientRecord c, store::DoneFn done) override {
    rows[c.client_id] = c;
    done(store::StoreStatus::ok);
  }
  void replace(clients::ClientRecord c, store::DoneFn done) override {
    rows[c.client_id] = c;
    done(store::StoreStatus::ok);
  }
  void remove(std::string id, store::DoneFn done) override {
    rows.erase(id);
    done(store::StoreStatus::ok);
  }
  store::StoreStatus sync_static(const std::vector<clients::ClientRecord>&) override {
    return store::StoreStatus::ok;
  }
};

clients::ClientRecord client(std::string id, std::string scope) {
  clients::ClientRecord c;
  c.client_id = std::move(id);
  c.scope = std::move(scope);
  return c;
}

}  // namespace

TEST_CASE("a client is read from the store once and then served from the cache", "[clients]") {
  CountingStore inner;
  FakeClock clock(1000);
  clients::CachedClientStore cache(inner, clock, 5);
  inner.rows["a"] = client("a", "system/*.rs");
  REQUIRE(cache.find("a")->scope == "system/*.rs");
  REQUIRE(cache.find("a")->scope == "system/*.rs");
  REQUIRE(inner.reads == 1);
  clock.advance(5);  // expired
  REQUIRE(cache.find("a").has_value());
  REQUIRE(inner.reads == 2);
}

TEST_CASE("unknown clients are not cached", "[clients]") {
  CountingStore inner;
  FakeClock clock(1000);
  clients::CachedClientStore cache(inner, clock, 5);
  REQUIRE_FALSE(cache.find("ghost"));
  inner.rows["ghost"] = client("ghost", "");
  REQUIRE(cache.find("ghost").has_value());  // registered since: visible at once
}

TEST_CASE("an update or delete through the cache is visible at once", "[clients]") {
  CountingStore inner;
  FakeClock clock(1000);
  clients::CachedClientStore cache(inner, clock, 60);
  inner.rows["a"] = client("a", "old");
  REQUIRE(cache.find("a")->scope == "old");
  cache.replace(client("a", "new"), [](store::StoreStatus) {});
  REQUIRE(cache.find("a")->scope == "new");
  cache.remove("a", [](store::StoreStatus) {});
  REQUIRE(cache.find("a").error() == store::StoreStatus::not_found);
}
