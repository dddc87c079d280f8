#include "directory/user_cache.hpp"

namespace sa::directory {

UserCache::UserCache(std::uint32_t ttl_s, std::size_t max_entries)
    : ttl_s_(ttl_s), max_entries_(max_entries) {}

std::optional<User> UserCache::get(const std::string& user_id, std::int64_t now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(user_id);
  if (it == entries_.end()) return std::nullopt;
  auto& [entry, position] = it->second;
  if (now >= entry.expires_at) {
    order_.erase(position);
    entries_.erase(it);
    return std::nullopt;
  }
  order_.splice(order_.begin(), order_, position);
  return entry.user;
}

void UserCache::put(const User& user, std::int64_t now) {
  if (ttl_s_ == 0 || max_entries_ == 0) return;
  std::lock_guard lock(mu_);
  Entry entry{user, now + static_cast<std::int64_t>(ttl_s_)};
  if (auto it = entries_.find(user.id); it != entries_.end()) {
    it->second.first = std::move(entry);
    order_.splice(order_.begin(), order_, it->second.second);
    return;
  }
  if (entries_.size() == max_entries_) {
    entries_.erase(order_.back());
    order_.pop_back();
  }
  order_.push_front(user.id);
  entries_.emplace(user.id, std::make_pair(std::move(entry), order_.begin()));
}

std::size_t UserCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace sa::directory
