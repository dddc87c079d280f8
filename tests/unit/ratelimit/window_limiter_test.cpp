// CAUTH-2: the counters behind the brute-force limits, on a fake clock.
#include "ratelimit/window_limiter.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

namespace sa::ratelimit {
namespace {

constexpr std::int64_t kStart = 1'700'000'000;

TEST_CASE("a key is refused once its budget is spent, until its window closes",
          "[ratelimit]") {  // CAUTH-2
  FakeClock clock(kStart);
  WindowLimiter limiter({.budget = 3, .window_s = 60, .max_keys = 100}, clock);
  for (int i = 0; i < 3; ++i) {
    CHECK(limiter.check("10.0.0.1").allowed);
    limiter.record("10.0.0.1");
    clock.advance(1);
  }
  auto refused = limiter.check("10.0.0.1");
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after_s == 57);        // the window opened at kStart
  CHECK(limiter.check("10.0.0.2").allowed);  // other keys are untouched
  clock.set(kStart + 59);
  CHECK(limiter.check("10.0.0.1").retry_after_s == 1);
  clock.set(kStart + 60);
  CHECK(limiter.check("10.0.0.1").allowed);
  limiter.record("10.0.0.1");  // a fresh window
  CHECK(limiter.check("10.0.0.1").allowed);
}

TEST_CASE("acquire counts every attempt and refuses the one past the budget", "[ratelimit]") {
  FakeClock clock(kStart);
  WindowLimiter limiter({.budget = 2, .window_s = 10, .max_keys = 100}, clock);
  CHECK(limiter.acquire("ip").allowed);
  CHECK(limiter.acquire("ip").allowed);
  auto third = limiter.acquire("ip");
  CHECK_FALSE(third.allowed);
  CHECK(third.retry_after_s == 10);
  clock.advance(9);
  CHECK_FALSE(limiter.acquire("ip").allowed);  // refused attempts do not extend the window
  clock.advance(1);
  CHECK(limiter.acquire("ip").allowed);
}

TEST_CASE("memory is bounded: past max_keys the least recently touched key is forgotten",
          "[ratelimit]") {
  FakeClock clock(kStart);
  WindowLimiter limiter({.budget = 1, .window_s = 60, .max_keys = 3}, clock);
  for (const char* key : {"a", "b", "c"}) limiter.record(key);
  limiter.record("a");  // a is now the most recently touched
  limiter.record("d");  // evicts b
  CHECK(limiter.tracked() == 3);
  CHECK(limiter.check("b").allowed);
  CHECK_FALSE(limiter.check("a").allowed);
  CHECK_FALSE(limiter.check("c").allowed);
  CHECK_FALSE(limiter.check("d").allowed);
  for (int i = 0; i < 1000; ++i) limiter.record("k" + std::to_string(i));
  CHECK(limiter.tracked() == 3);
}

TEST_CASE("concurrent callers never lose or exceed a count", "[ratelimit]") {
  FakeClock clock(kStart);
  WindowLimiter limiter({.budget = 1000, .window_s = 60, .max_keys = 16}, clock);
  std::vector<std::thread> threads;
  std::atomic<int> granted{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (limiter.acquire("shared").allowed) ++granted;
        limiter.record("k" + std::to_string(i % 10));  // other keys, touched concurrently
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(granted.load() == 1000);
  CHECK(limiter.tracked() == 11);
}

}  // namespace
}  // namespace sa::ratelimit
