// RAII transaction and savepoint over a Connection. Whatever was not committed (released) is
// rolled back when the object dies; the destructors never throw. One Transaction per connection
// at a time, any number of nested Savepoints inside it.
#pragma once

#include <string>
#include <string_view>

#include "store/connection.hpp"
#include "store/status.hpp"
#include "util/expected.hpp"

namespace sa::store {

class Transaction {
 public:
  enum class Mode {
    deferred,   // takes locks on first use
    immediate,  // takes the write lock at BEGIN, so a later write cannot fail with busy
  };
  static Expected<Transaction, StoreStatus> begin(Connection& conn, Mode mode = Mode::immediate);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() { rollback(); }

  // On failure the transaction stays open (SQLite allows retrying a busy COMMIT) and is rolled
  // back by the destructor.
  StoreStatus commit();
  void rollback() noexcept;

 private:
  explicit Transaction(Connection& conn) : conn_(&conn) {}
  Connection* conn_;  // nullptr once committed, rolled back or moved from
};

class Savepoint {
 public:
  static Expected<Savepoint, StoreStatus> begin(Connection& conn, std::string_view name);

  Savepoint(Savepoint&& other) noexcept;
  Savepoint& operator=(Savepoint&&) = delete;
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  ~Savepoint() { rollback(); }

  // Keeps the work done since begin() as part of the enclosing transaction.
  StoreStatus release();
  // Undoes the work done since begin(); the enclosing transaction carries on.
  void rollback() noexcept;

 private:
  Savepoint(Connection& conn, std::string quoted_name)
      : conn_(&conn), quoted_name_(std::move(quoted_name)) {}
  Connection* conn_;  // nullptr once released, rolled back or moved from
  std::string quoted_name_;
};

}  // namespace sa::store
