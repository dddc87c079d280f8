// Who may hold a database file for exclusive use: `serve` for as long as it runs, `restore`
// while it swaps the file. An flock(2) on "<store.path>.lock" beside the database, taken without
// waiting; the kernel drops it when the process ends, however it ends, so a crashed server never
// leaves a stale lock behind. The other operator commands do not take it: they share the
// database with a running server through SQLite's own locking (WAL, busy_timeout).
#pragma once

#include <string>

#include "util/expected.hpp"

namespace sa::store {

class DatabaseLock {
 public:
  // The error says who to stop: "another smart-auth process (a running server, or a restore)
  // holds PATH.lock".
  static Expected<DatabaseLock, std::string> acquire(const std::string& database_path);

  DatabaseLock(DatabaseLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DatabaseLock& operator=(DatabaseLock&&) = delete;
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;
  ~DatabaseLock();

  static std::string lock_path(const std::string& database_path) { return database_path + ".lock"; }

 private:
  explicit DatabaseLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace sa::store
