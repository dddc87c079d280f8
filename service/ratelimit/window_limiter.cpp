#include "ratelimit/window_limiter.hpp"

#include <algorithm>

namespace sa::ratelimit {

WindowLimiter::WindowLimiter(LimitSettings settings, const Clock& clock)
    : settings_(settings), clock_(clock) {
  index_.reserve(std::min<std::size_t>(settings_.max_keys, 1024));
}

Verdict WindowLimiter::verdict(const Entry& entry, std::int64_t now) const {
  const std::int64_t window_end = entry.window_start + settings_.window_s;
  if (now >= window_end || entry.count < settings_.budget) return {};
  return {false, static_cast<std::uint32_t>(std::max<std::int64_t>(1, window_end - now))};
}

Verdict WindowLimiter::check(std::string_view key) const {
  const std::int64_t now = clock_.now_seconds();
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return {};
  return verdict(*it->second, now);
}

WindowLimiter::Entry& WindowLimiter::touch(std::string_view key, std::int64_t now) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
  } else {
    if (index_.size() >= std::max<std::size_t>(1, settings_.max_keys)) {
      index_.erase(lru_.back().key);
      lru_.pop_back();
    }
    lru_.push_front(Entry{std::string(key), now, 0});
    index_.emplace(lru_.front().key, lru_.begin());
  }
  Entry& entry = lru_.front();
  if (now >= entry.window_start + settings_.window_s) entry = Entry{std::move(entry.key), now, 0};
  return entry;
}

void WindowLimiter::record(std::string_view key) {
  const std::int64_t now = clock_.now_seconds();
  std::lock_guard lock(mutex_);
  Entry& entry = touch(key, now);
  if (entry.count < settings_.budget) ++entry.count;
}

Verdict WindowLimiter::acquire(std::string_view key) {
  const std::int64_t now = clock_.now_seconds();
  std::lock_guard lock(mutex_);
  Entry& entry = touch(key, now);
  Verdict v = verdict(entry, now);
  if (v.allowed) ++entry.count;
  return v;
}

std::size_t WindowLimiter::tracked() const {
  std::lock_guard lock(mutex_);
  return index_.size();
}

}  // namespace sa::ratelimit
