// Remembers the jti of every accepted client assertion through the last second that assertion
// could be accepted, so a replayed assertion is refused (RFC 7523 §3 item 7; SMART App Launch
// 2.2, Client Confidential Asymmetric), also after a restart. ReplayStore is the narrow
// interface client authentication needs. SqliteReplayStore decides in memory (ReplayMemory) and
// makes each accepted jti durable by appending (client_id, SHA-256 of the jti, last second) to a
// log that it reads back at start; the purge trims the log's old end.
// A jti is remembered by a claim: a store write that the request's own durable write runs first
// (the token endpoint records the jti and the token in one commit, issue 6 §4), or that
// commit_alone() runs when the request has nothing else to record.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "clientauth/replay_memory.hpp"
#include "store/database.hpp"
#include "store/status.hpp"
#include "util/expected.hpp"

namespace sa::clientauth {

class ReplayStore {
 public:
  virtual ~ReplayStore() = default;
  // The write that remembers (client_id, jti). `last_acceptable_at` is inclusive: the jti blocks
  // at every `now` <= last_acceptable_at. It returns ok: first use (or the earlier use is past
  // its last second); conflict: (client_id, jti) is recorded and still blocking at `now` (a
  // replay), which undoes the whole write that carries it. Anything else: the store failed.
  // (Whether it is a replay may be decided when claim() is called; the write then only reports
  // it. A claimed jti whose write then fails stays blocked until a restart, which reads back only
  // what was committed: it fails closed, and an app makes a new jti per assertion anyway.)
  virtual store::Database::WriteFn claim(std::string client_id, std::string_view jti,
                                         std::int64_t last_acceptable_at, std::int64_t now) = 0;
  // Runs a claim (or any write) alone; done after it is durable, with its status.
  virtual void commit_alone(store::Database::WriteFn claim, store::DoneFn done) = 0;
  // claim() committed alone.
  void remember(std::string client_id, std::string_view jti, std::int64_t last_acceptable_at,
                std::int64_t now, store::DoneFn done) {
    commit_alone(claim(std::move(client_id), jti, last_acceptable_at, now), std::move(done));
  }
  // Drops at most `limit` entries that no longer block, last_acceptable_at < now (run
  // periodically).
  virtual void delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) = 0;
};

class SqliteReplayStore final : public ReplayStore {
 public:
  // Reads back every logged jti that still blocks at `now`; a read error is returned, for a
  // store that forgot them would let their assertions be replayed.
  static Expected<std::unique_ptr<SqliteReplayStore>, store::StoreStatus> open(store::Database& db,
                                                                               std::int64_t now);
  store::Database::WriteFn claim(std::string client_id, std::string_view jti,
                                 std::int64_t last_acceptable_at, std::int64_t now) override;
  void commit_alone(store::Database::WriteFn claim, store::DoneFn done) override;
  void delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) override;
  // jtis held in memory (after open(): those read back from the log).
  std::size_t remembered() const { return memory_.entries(); }

 private:
  explicit SqliteReplayStore(store::Database& db) : db_(db) {}

  store::Database& db_;
  ReplayMemory memory_;
};

}  // namespace sa::clientauth
