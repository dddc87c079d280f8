// The jtis of accepted client assertions that still block a reuse, held in memory so that
// checking one is a lookup and remembering one appends a row to the log (SqliteReplayStore)
// instead of inserting a random key into an on-disk index (issue 6 §4: that insert was a quarter
// of an RS384 request). A slot is 8 bytes: the top 48 bits of a SHA-256 fingerprint of
// (client_id, jti) and the last second the jti blocks, as 16 bits past a base second that moves
// forward every 9 hours (and never back, whatever the clock does). Entries past their last second
// are dropped when the table is rebuilt (when it is 3/4 full, or the base moves), to at least twice
// the live entries; those are at most (assertions accepted per second) x (their lifetime:
// client_auth.assertion_max_lifetime_s plus twice the clock skew). Two different jtis share a
// fingerprint with a chance of (live entries) / 2^48 per request: a needless refusal, never an
// acceptance. Thread-safe.
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
  // blocking at `now` (its last second >= now): then false, a replay (RFC 7523 §3 item 7).
  // last_acceptable_at is at most 9 hours past `now` (the config allows 4,800 s).
  bool claim(std::uint64_t key, std::int64_t last_acceptable_at, std::int64_t now);
  // As claim(), for entries read back from the log at start: never refuses, keeps the later
  // last second when a key is there twice.
  void restore(std::uint64_t key, std::int64_t last_acceptable_at, std::int64_t now);

  std::size_t entries() const;  // keys held, some perhaps past their last second
  std::size_t slots() const;    // for tests: capacity of the table

 private:
  static constexpr std::size_t kMinSlots = 1024;
  static constexpr std::int64_t kRebaseAfter = std::int64_t{1} << 15;  // seconds
  static constexpr std::uint64_t kLastMask = 0xffff;

  // Index of tag's slot, or of the empty slot where it would go, in a table made ready for
  // `now`: rebuilt on a new base once the base is 2^15 s old, so that every live entry's last
  // second fits in 16 bits past it. Under mu_.
  std::size_t locate(std::uint64_t tag, std::int64_t now);
  std::size_t find(std::uint64_t tag) const;  // as locate(), as the table is
  std::int64_t last_of(std::uint64_t slot) const {
    return base_ + static_cast<std::int64_t>(slot & kLastMask);
  }
  std::uint64_t slot_of(std::uint64_t tag, std::int64_t last) const;
  void rebuild(std::int64_t now, std::size_t extra);
  // Puts (tag, last) in slot i, locate()'s answer; a new tag may rebuild the table first.
  void store(std::size_t i, std::uint64_t tag, std::int64_t last, std::int64_t now);

  mutable std::mutex mu_;
  std::vector<std::uint64_t> slots_;  // tag << 16 | (last second - base_); 0: empty
  std::int64_t base_ = 0;
  std::size_t used_ = 0;  // slots holding a tag, live or past their last second
};

}  // namespace sa::clientauth
