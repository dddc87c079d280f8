// Remembers the jti of every accepted client assertion through the last second that assertion
// could be accepted, so a replayed assertion is refused (RFC 7523 §3 item 7; SMART App Launch
// 2.2, Client Confidential Asymmetric), also after a restart. ReplayStore is the narrow
// interface client authentication needs; SqliteReplayStore keeps SHA-256 hashes of jtis.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/database.hpp"
#include "store/status.hpp"

namespace sa::clientauth {

class ReplayStore {
 public:
  virtual ~ReplayStore() = default;
  // `last_acceptable_at` is inclusive: the jti blocks at every `now` <= last_acceptable_at.
  // ok: first use (or the earlier use is past its last second), now durably recorded.
  // conflict: (client_id, jti) is recorded and still blocking at `now` (a replay). Anything
  // else: the store failed.
  virtual void remember(std::string client_id, std::string_view jti,
                        std::int64_t last_acceptable_at, std::int64_t now,
                        store::DoneFn done) = 0;
  // Drops entries that no longer block, last_acceptable_at < now (run periodically).
  virtual void delete_expired(std::int64_t now, store::DoneFn done) = 0;
};

class SqliteReplayStore final : public ReplayStore {
 public:
  explicit SqliteReplayStore(store::Database& db) : db_(db) {}
  void remember(std::string client_id, std::string_view jti, std::int64_t last_acceptable_at,
                std::int64_t now, store::DoneFn done) override;
  void delete_expired(std::int64_t now, store::DoneFn done) override;

 private:
  store::Database& db_;
};

}  // namespace sa::clientauth
