// Counts events per key (a peer address, a client_id) in fixed windows and says whether a key
// has used up its budget, and for how long. Pure logic: the clock is injected, nothing here
// answers requests, logs or counts metrics (callers do). Thread-safe behind one mutex, O(1) per
// call, and memory bounded: past max_keys the least recently touched key is forgotten first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/clock.hpp"

namespace sa::ratelimit {

struct LimitSettings {
  std::uint32_t budget = 10;      // events allowed per key per window
  std::uint32_t window_s = 60;    // a key's window opens at its first event
  std::size_t max_keys = 10'000;  // keys tracked at once (must be at least 1)
};

struct Verdict {
  bool allowed = true;
  std::uint32_t retry_after_s = 0;  // when refused: seconds until the window closes (>= 1)
};

class WindowLimiter {
 public:
  WindowLimiter(LimitSettings settings, const Clock& clock);
  WindowLimiter(const WindowLimiter&) = delete;
  WindowLimiter& operator=(const WindowLimiter&) = delete;

  // Whether `key` still has budget left, without counting anything (a limit on failures asks
  // this before the attempt and record()s only the attempts that fail).
  Verdict check(std::string_view key) const;
  // Counts one event against `key`.
  void record(std::string_view key);
  // Counts one event and says whether it was within the budget (a limit on every attempt).
  // A refused event is not counted, so a refused flood does not extend the window.
  Verdict acquire(std::string_view key);
  std::size_t tracked() const;

 private:
  struct Entry {
    std::string key;
    std::int64_t window_start = 0;
    std::uint32_t count = 0;
  };
  using Lru = std::list<Entry>;  // most recently touched first

  Verdict verdict(const Entry& entry, std::int64_t now) const;
  // The key's entry with its window rolled over if it has elapsed; created (evicting the least
  // recently touched key when full) if absent; moved to the front.
  Entry& touch(std::string_view key, std::int64_t now);

  const LimitSettings settings_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  Lru lru_;
  std::unordered_map<std::string_view, Lru::iterator> index_;  // views into lru_'s keys
};

}  // namespace sa::ratelimit
