// The jtis of accepted client assertions that still block a reuse, held in memory so that
// checking one is a lookup and remembering one appends a row to the log (SqliteReplayStore)
// instead of inserting a random key into an on-disk index (issue 6 §4: that insert was a quarter
// of an RS384 request). An entry is a 64-bit fingerprint of (client_id, jti), from SHA-256, and
// the last second it blocks. Entries past that second are dropped when the table is rebuilt.
// Memory: 12 bytes a slot, at most 3/4 of slots in use, at least twice the live entries after a
// rebuild; the live entries are at most (assertions accepted per second) x (their lifetime:
// client_auth.assertion_max_lifetime_s plus twice the clock skew). Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

namespace sa::clientauth {

class ReplayMemory {
 public:
  ReplayMemory();

  // The fingerprint of a client's jti hash (the stored form, SHA-256 base64url of the jti).
  static std::uint64_t fingerprint(std::string_view client_id, std::string_view jti_hash);

  // Remembers `key` through last_acceptable_at (inclusive) unless it is remembered and still
  // blocking at `now` (last_acceptable_at >= now): then false, a replay (RFC 7523 §3 item 7).
  bool claim(std::uint64_t key, std::int64_t last_acceptable_at, std::int64_t now);
  // As claim(), for entries read back from the log at start: never refuses, keeps the later
  // last second when a key is there twice.
  void restore(std::uint64_t key, std::int64_t last_acceptable_at, std::int64_t now);

  std::size_t entries() const;  // keys held, some perhaps past their last second
  std::size_t slots() const;    // for tests: capacity of the table

 private:
  static constexpr std::size_t kMinSlots = 1024;
  // Index of key's slot, or of the empty slot where it would go.
  std::size_t find(std::uint64_t key) const;
  void rebuild(std::int64_t now, std::size_t extra);
  void place(std::uint64_t key, std::uint32_t last);

  mutable std::mutex mu_;
  std::vector<std::uint64_t> keys_;  // 0: empty (a real key of 0 is stored as 1)
  std::vector<std::uint32_t> last_;  // seconds since the epoch; a uint32 lasts until 2106
  std::size_t used_ = 0;             // slots holding a key, live or past its last second
};

}  // namespace sa::clientauth
