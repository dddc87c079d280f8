// The find_user cache: a time limit and a size limit, and the least recently used goes first.
#include "directory/user_cache.hpp"

#include <catch2/catch.hpp>

namespace sa::directory {
namespace {

User user(const std::string& id) { return User{id, "Practitioner/" + id, id, {"openid"}}; }

TEST_CASE("a cached user expires ttl seconds after it was stored", "[directory][cache]") {
  UserCache cache(60, 10);
  cache.put(user("a"), 1'000);
  CHECK(cache.get("a", 1'059));
  CHECK_FALSE(cache.get("a", 1'060));
  CHECK(cache.size() == 0);
}

TEST_CASE("a full cache drops the least recently used user", "[directory][cache]") {
  UserCache cache(60, 2);
  cache.put(user("a"), 0);
  cache.put(user("b"), 0);
  CHECK(cache.get("a", 1));  // a is now the more recent
  cache.put(user("c"), 1);
  CHECK(cache.size() == 2);
  CHECK(cache.get("a", 2));
  CHECK_FALSE(cache.get("b", 2));
  CHECK(cache.get("c", 2));
}

TEST_CASE("storing a user again refreshes it in place", "[directory][cache]") {
  UserCache cache(60, 2);
  cache.put(user("a"), 0);
  auto renamed = user("a");
  renamed.name = "Alice";
  cache.put(renamed, 50);
  CHECK(cache.size() == 1);
  CHECK(cache.get("a", 100).value().name == "Alice");
}

TEST_CASE("a cache of no time or no entries keeps nothing", "[directory][cache]") {
  UserCache no_time(0, 10), no_room(60, 0);
  no_time.put(user("a"), 0);
  no_room.put(user("a"), 0);
  CHECK_FALSE(no_time.get("a", 0));
  CHECK_FALSE(no_room.get("a", 0));
}

}  // namespace
}  // namespace sa::directory
