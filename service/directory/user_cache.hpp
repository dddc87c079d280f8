// A small TTL + LRU cache of the directory's find_user answers, so that pages and token
// requests do not each ask the EHR again. Only users found are kept (failures never are); an
// entry is served for ttl_s seconds after it was stored, and the least recently used entry makes
// room when it is full. Thread-safe; time comes from the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "directory/directory.hpp"

namespace sa::directory {

class UserCache {
 public:
  UserCache(std::uint32_t ttl_s, std::size_t max_entries);  // either 0: nothing is kept

  std::optional<User> get(const std::string& user_id, std::int64_t now);
  void put(const User& user, std::int64_t now);
  std::size_t size() const;

 private:
  struct Entry {
    User user;
    std::int64_t expires_at;
  };
  using Order = std::list<std::string>;  // most recently used first

  const std::uint32_t ttl_s_;
  const std::size_t max_entries_;
  mutable std::mutex mu_;
  Order order_;
  std::unordered_map<std::string, std::pair<Entry, Order::iterator>> entries_;
};

}  // namespace sa::directory
