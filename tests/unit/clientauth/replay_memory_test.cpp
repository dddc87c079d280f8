#include "clientauth/replay_memory.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace sa::clientauth {
namespace {

TEST_CASE("the replay memory refuses a key through its last second and takes it back after",
          "[clientauth][replay]") {  // CAUTH-6
  ReplayMemory memory;
  const auto key = ReplayMemory::fingerprint("app", "hash-1");
  CHECK(memory.claim(key, 1'000, 500));
  CHECK_FALSE(memory.claim(key, 1'000, 501));
  CHECK_FALSE(memory.claim(key, 5'000, 1'000));  // at its last second it still blocks
  CHECK(memory.claim(key, 2'000, 1'001));
  CHECK_FALSE(memory.claim(key, 2'000, 1'500));  // the new last second counts
  CHECK(memory.claim(ReplayMemory::fingerprint("other", "hash-1"), 1'000, 501));
}

TEST_CASE("fingerprints tell clients and jtis apart", "[clientauth][replay]") {
  CHECK(ReplayMemory::fingerprint("ab", "c") != ReplayMemory::fingerprint("a", "bc"));
  CHECK(ReplayMemory::fingerprint("a", "b") != ReplayMemory::fingerprint("b", "a"));
  CHECK(ReplayMemory::fingerprint("a", "b") == ReplayMemory::fingerprint("a", "b"));
}

TEST_CASE("the replay memory keeps every live key while it grows", "[clientauth][replay]") {
  ReplayMemory memory;
  constexpr int kKeys = 20'000;
  for (int i = 0; i < kKeys; ++i) {
    REQUIRE(memory.claim(ReplayMemory::fingerprint("app", std::to_string(i)), 1'000, 500));
  }
  int refused = 0;
  for (int i = 0; i < kKeys; ++i) {
    refused += !memory.claim(ReplayMemory::fingerprint("app", std::to_string(i)), 1'000, 600);
  }
  CHECK(refused == kKeys);
  CHECK(memory.slots() >= 2 * kKeys * 2 / 3);
  CHECK(memory.slots() <= 4 * kKeys);
}

TEST_CASE("the replay memory stays as small as its live keys", "[clientauth][replay]") {
  // Bounded memory: keys past their last second are dropped when the table fills up.
  ReplayMemory memory;
  for (std::int64_t now = 0; now < 200'000; ++now) {
    REQUIRE(memory.claim(ReplayMemory::fingerprint("app", std::to_string(now)), now + 10, now));
  }
  CHECK(memory.slots() == 1024);
  // The last ten are still live.
  for (std::int64_t i = 199'990; i < 200'000; ++i) {
    CHECK_FALSE(memory.claim(ReplayMemory::fingerprint("app", std::to_string(i)), 0, 199'999));
  }
}

TEST_CASE("a key stays remembered through its last second while the table moves its base",
          "[clientauth][replay]") {  // CAUTH-6: the last second is kept in 16 bits past a base
  ReplayMemory memory;
  const std::int64_t t0 = 1'800'000'000;
  const auto key = ReplayMemory::fingerprint("app", "long");
  // The base is set by the first claim; this one lands just before it must move.
  REQUIRE(memory.claim(ReplayMemory::fingerprint("app", "first"), t0, t0));
  const std::int64_t last = t0 + 32'000 + 4'800;  // the longest the config allows past now
  REQUIRE(memory.claim(key, last, t0 + 32'000));
  // A claim 2^15 s after the base moves it; the key's last second must survive the move.
  REQUIRE(memory.claim(ReplayMemory::fingerprint("app", "later"), t0 + 40'000, t0 + 33'000));
  CHECK_FALSE(memory.claim(key, last + 100, t0 + 36'000));
  CHECK_FALSE(memory.claim(key, last + 100, last));
  CHECK(memory.claim(key, last + 100, last + 1));
  // The clock going back a day loses nothing that still blocks, and a key claimed then blocks
  // at least through its own last second.
  CHECK_FALSE(memory.claim(ReplayMemory::fingerprint("app", "later"), t0 + 40'000, t0 - 86'400));
  const auto back = ReplayMemory::fingerprint("app", "back");
  REQUIRE(memory.claim(back, t0 - 86'000, t0 - 86'400));
  CHECK_FALSE(memory.claim(back, t0, t0 - 86'000));
}

TEST_CASE("a restored key keeps its later last second and a dead one is skipped",
          "[clientauth][replay]") {
  ReplayMemory memory;
  const auto key = ReplayMemory::fingerprint("app", "j");
  memory.restore(key, 2'000, 1'500);
  memory.restore(key, 1'600, 1'500);  // an older row read after a newer one
  CHECK_FALSE(memory.claim(key, 0, 2'000));
  const auto dead = ReplayMemory::fingerprint("app", "dead");
  memory.restore(dead, 1'000, 1'500);
  CHECK(memory.claim(dead, 3'000, 1'500));
}

}  // namespace
}  // namespace sa::clientauth
