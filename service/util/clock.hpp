// Injected time. Domain code asks a Clock for "now" so tests can pin it; nothing below app/
// reads the wall clock directly.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace sa {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch.
  virtual std::int64_t now_seconds() const = 0;
  // Microseconds since the Unix epoch: for ordering (crypto::ordered_token), never for validity.
  virtual std::int64_t now_microseconds() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_seconds() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::int64_t now_microseconds() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t now) : now_(now) {}
  std::int64_t now_seconds() const override { return now_.load(); }
  // Within the pinned second, each call is one microsecond later than the last (wrapping at a
  // second), so values made one after another in a test still sort in order.
  std::int64_t now_microseconds() const override {
    return now_.load() * 1'000'000 + ticks_.fetch_add(1) % 1'000'000;
  }
  void set(std::int64_t now) { now_.store(now); }
  void advance(std::int64_t seconds) { now_.fetch_add(seconds); }

 private:
  std::atomic<std::int64_t> now_;
  mutable std::atomic<std::int64_t> ticks_{0};
};

}  // namespace sa
