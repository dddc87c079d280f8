// Server-side state of the authorize pages (RFC 9700 §4.7: request state lives on the server,
// bound to the browser by a cookie, never in fields a user could edit): transactions (one
// authorization in progress), login sessions (a login reused by later authorizations) and
// remembered consents (per user and client). Ids are stored only as SHA-256 hashes.
// SqliteFlowStore (sqlite_flow_store.hpp) is the one backend.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/status.hpp"
#include "util/expected.hpp"

namespace sa::authorize {

// One authorization in progress. `state_json` is the orchestrator's business (transaction.hpp).
struct TransactionRow {
  std::string state_json;
  std::int64_t expires_at = 0;
};

struct LoginSession {
  std::string user_id;
  std::int64_t auth_time = 0;  // when the user entered the password (OIDC auth_time)
  std::int64_t last_seen = 0;
  std::int64_t expires_at = 0;  // auth_time + session lifetime
};

class FlowStore {
 public:
  virtual ~FlowStore() = default;

  // Transactions. find: not_found when absent or expired at `now`.
  virtual void create_transaction(std::string id_hash, TransactionRow row, store::DoneFn done) = 0;
  virtual Expected<TransactionRow, store::StoreStatus> find_transaction(std::string_view id_hash,
                                                                        std::int64_t now) = 0;
  // not_found if absent. Keeps expires_at.
  virtual void update_transaction(std::string id_hash, std::string state_json,
                                  store::DoneFn done) = 0;
  // Single use: ok when it was there and is now gone, not_found when it was already gone (so two
  // concurrent finishes cannot both issue a code).
  virtual void finish_transaction(std::string id_hash, store::DoneFn done) = 0;

  // Login sessions. find: not_found when absent, past expires_at, or idle longer than
  // idle_timeout_s since last_seen.
  virtual void create_session(std::string id_hash, LoginSession session, store::DoneFn done) = 0;
  virtual Expected<LoginSession, store::StoreStatus> find_session(std::string_view id_hash,
                                                                  std::int64_t now,
                                                                  std::int64_t idle_timeout_s) = 0;
  virtual void touch_session(std::string id_hash, std::int64_t now, store::DoneFn done) = 0;
  virtual void end_session(std::string id_hash, store::DoneFn done) = 0;

  // Remembered consent: the scopes (space-separated) this user approved for this client.
  // find: not_found when none.
  virtual Expected<std::string, store::StoreStatus> find_consent(std::string_view user_id,
                                                                 std::string_view client_id) = 0;
  virtual void save_consent(std::string user_id, std::string client_id, std::string scope,
                            std::int64_t now, store::DoneFn done) = 0;

  // Deletes expired transactions and sessions (at most `limit` rows of each per call).
  virtual void delete_expired(std::int64_t now, std::int64_t idle_timeout_s, std::uint32_t limit,
                              store::PurgedFn done) = 0;
};

}  // namespace sa::authorize
