#include "store/transaction.hpp"

#include <utility>

namespace sa::store {

Expected<Transaction, StoreStatus> Transaction::begin(Connection& conn, Mode mode) {
  const StoreStatus status =
      conn.run(mode == Mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  if (status != StoreStatus::ok) return unexpected(status);
  return Transaction(conn);
}

Transaction::Transaction(Transaction&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)) {}

StoreStatus Transaction::commit() {
  if (conn_ == nullptr) return StoreStatus::io_error;  // a bug: nothing to commit
  const StoreStatus status = conn_->run("COMMIT");
  if (status == StoreStatus::ok) conn_ = nullptr;
  return status;
}

void Transaction::rollback() noexcept {
  Connection* conn = std::exchange(conn_, nullptr);
  // SQLite may already have rolled back on its own (I/O error, disk full); ROLLBACK would fail.
  if (conn == nullptr || !conn->in_transaction()) return;
  try {
    conn->exec("ROLLBACK");
  } catch (...) {  // only bad_alloc while recording an error message; nothing left to do
  }
}

Expected<Savepoint, StoreStatus> Savepoint::begin(Connection& conn, std::string_view name) {
  // Quoted as an identifier, so any name is safe to splice into the SQL.
  std::string quoted = "\"";
  for (const char c : name) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  quoted += '"';
  const StoreStatus status = conn.run("SAVEPOINT " + quoted);
  if (status != StoreStatus::ok) return unexpected(status);
  return Savepoint(conn, std::move(quoted));
}

Savepoint::Savepoint(Savepoint&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)), quoted_name_(std::move(other.quoted_name_)) {}

StoreStatus Savepoint::release() {
  if (conn_ == nullptr) return StoreStatus::io_error;  // a bug: nothing to release
  const StoreStatus status = conn_->run("RELEASE " + quoted_name_);
  if (status == StoreStatus::ok) conn_ = nullptr;
  return status;
}

void Savepoint::rollback() noexcept {
  Connection* conn = std::exchange(conn_, nullptr);
  if (conn == nullptr || !conn->in_transaction()) return;
  try {
    // ROLLBACK TO keeps the savepoint on the stack; RELEASE pops it.
    conn->exec("ROLLBACK TO " + quoted_name_ + "; RELEASE " + quoted_name_);
  } catch (...) {  // bad_alloc building the SQL; the enclosing transaction's rollback still runs
  }
}

}  // namespace sa::store
