// Remembers the jti of every accepted client assertion until it expires, so a replayed assertion
// is refused (RFC 7523 §3 item 7; CAUTH-6), also after a restart. ReplayStore is the narrow
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
  // ok: first use, now durably recorded until expires_at. conflict: (client_id, jti) is already
  // recorded and not expired at `now` (a replay). Anything else: the store failed.
  virtual void remember(std::string client_id, std::string_view jti, std::int64_t expires_at,
                        std::int64_t now, store::DoneFn done) = 0;
  // Drops entries whose expires_at <= now (run periodically).
  virtual void delete_expired(std::int64_t now, store::DoneFn done) = 0;
};

class SqliteReplayStore final : public ReplayStore {
 public:
  explicit SqliteReplayStore(store::Database& db) : db_(db) {}
  void remember(std::string client_id, std::string_view jti, std::int64_t expires_at,
                std::int64_t now, store::DoneFn done) override;
  void delete_expired(std::int64_t now, store::DoneFn done) override;

 private:
  store::Database& db_;
};

}  // namespace sa::clientauth
