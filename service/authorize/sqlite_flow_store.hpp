// FlowStore over the SQLite Database (migrations/0007_authorize.sql: authorize_transactions,
// login_sessions, consents): writes through the group-committing writer, finds through the read
// pool. Every deadline is exclusive: a row expiring at t is gone at t, in find and purge alike.
#pragma once

#include "authorize/flow_store.hpp"
#include "store/database.hpp"

namespace sa::authorize {

class SqliteFlowStore final : public FlowStore {
 public:
  explicit SqliteFlowStore(store::Database& db) : db_(db) {}

  // conflict if the id hash is taken.
  void create_transaction(std::string id_hash, TransactionRow row, store::DoneFn done) override;
  Expected<TransactionRow, store::StoreStatus> find_transaction(std::string_view id_hash,
                                                                std::int64_t now) override;
  void update_transaction(std::string id_hash, std::string state_json, store::DoneFn done) override;
  void finish_transaction(std::string id_hash, store::DoneFn done) override;

  // conflict if the id hash is taken.
  void create_session(std::string id_hash, LoginSession session, store::DoneFn done) override;
  // The idle deadline is last_seen + idle_timeout_s; the session is gone from that second on.
  Expected<LoginSession, store::StoreStatus> find_session(std::string_view id_hash,
                                                          std::int64_t now,
                                                          std::int64_t idle_timeout_s) override;
  // Moves last_seen forward to now (never back), never expires_at; not_found if absent.
  void touch_session(std::string id_hash, std::int64_t now, store::DoneFn done) override;
  // ok whether or not the session was there: ending a session twice is not an error.
  void end_session(std::string id_hash, store::DoneFn done) override;

  Expected<std::string, store::StoreStatus> find_consent(std::string_view user_id,
                                                         std::string_view client_id) override;
  // Replaces any earlier consent of the user for the client; constraint if the client does not
  // exist.
  void save_consent(std::string user_id, std::string client_id, std::string scope, std::int64_t now,
                    store::DoneFn done) override;

  void delete_expired(std::int64_t now, std::int64_t idle_timeout_s, std::uint32_t limit,
                      store::PurgedFn done) override;

 private:
  store::Database& db_;
};

}  // namespace sa::authorize
