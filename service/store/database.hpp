// The SQLite database behind every store. One writer thread owns the only writing connection
// and group-commits queued writes (one transaction and one fsync per batch; see WriteFn); a
// pool of query_only connections serves reads, which never wait for the writer (WAL).
// Opening creates the file and applies migrations. Handlers never see this class: they use the
// store interfaces in the domain folders (keys/key_store.hpp, tokens/token_store.hpp, ...) built on write() and read().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "config/config.hpp"
#include "store/checkpoint_policy.hpp"
#include "store/connection.hpp"
#include "store/migrator.hpp"
#include "store/status.hpp"
#include "store/wal_checkpoint.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"

namespace sa::store {

class Database {
 public:
  // Runs on the writer thread inside the batch's transaction. Returning anything but ok (or
  // throwing, reported as io_error) undoes this write only. A batch first runs without a
  // SAVEPOINT per write; if any write in it fails, the whole transaction is rolled back and every
  // write runs again under its own SAVEPOINT. So a WriteFn may run twice: it must decide from the
  // database and what it captured alone, and what it leaves outside the database (an outcome for
  // its DoneFn) must be assigned, not accumulated, so that the last run's stands.
  using WriteFn = std::function<StoreStatus(Connection&)>;

  struct WriteStats {
    std::uint64_t batches = 0;  // transactions committed or attempted
    std::uint64_t ops = 0;      // writes run
    std::uint64_t commit_failures = 0;
    std::uint64_t largest_batch = 0;
    std::uint64_t reruns = 0;  // batches run again write by write after a write in them failed
    // WAL checkpoints: the checkpointer thread's, and the writer's (CheckpointPolicy)
    std::uint64_t checkpoints = 0;
    // Checkpoints that could not make the database file durable. After the first, every one
    // fails: the WAL is kept whole (each commit durable in it) until the process restarts.
    std::uint64_t checkpoint_failures = 0;
  };

  // Creates the parent directory and an owner-only (0600) database file if missing, before
  // SQLite does: the file holds private signing keys, and SQLite gives the -wal and -shm files
  // its permissions. Returns the error as a sentence for the operator. open() and `migrate`.
  static std::optional<std::string> prepare_file(const std::string& path);

  // Start-up only. Creates the parent directory and the file if missing, sets WAL,
  // synchronous=FULL, foreign_keys and busy_timeout, applies the embedded migrations (applied_at
  // from the system clock) and starts the writer. The error is a sentence for the operator.
  static Expected<std::unique_ptr<Database>, std::string> open(
      const config::StoreSettings& settings);
  // As above with an explicit migration list and clock: for tests.
  static Expected<std::unique_ptr<Database>, std::string> open(
      const config::StoreSettings& settings, std::vector<Migration> migrations, const Clock& clock);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();  // close(), then closes every connection; no read may be in progress

  // Queues fn. done(status) is called exactly once, on the writer thread, after the batch holding
  // fn has been committed durably (or failed); see DoneFn for what it may do. After close(),
  // done(closed) is called at once on the caller's thread.
  void write(WriteFn fn, DoneFn done);
  // write(), and done learns how many rows fn inserted, updated or deleted: for purges, which
  // go again while a slice comes back full (PurgeChain).
  void write_counting(WriteFn fn, PurgedFn done);
  // Called by a thread that queues writes for requests (an HTTP I/O thread) each time it has run
  // out of ready work: the writes it queued since are all it will add for now. The writer
  // gathers a batch while any such thread is still busy after queueing (up to
  // store.group_commit_window_us), and commits as soon as none is: so a lone request is committed
  // at once, and under load one fsync serves every request in flight. A writer that never hears
  // of such threads (the CLI, tests) commits whatever is queued at once.
  void producer_idle();
  // write() and wait for the commit: for start-up and the CLI. Must not be called from a WriteFn
  // or a DoneFn (it would wait for itself; it returns io_error instead).
  StoreStatus write_sync(WriteFn fn);

  // Runs fn on a pooled read connection, waiting only for a free connection, never for the
  // writer. fn sees the last committed state; statements must not outlive fn.
  template <class Fn>
  std::invoke_result_t<Fn&, Connection&> read(Fn&& fn) {
    ReaderLease lease(*this);
    return fn(lease.connection());
  }

  // SELECT 1 on a read connection; false after close().
  bool healthy();

  // Stops accepting writes, commits what is queued (calling each done), and joins the writer.
  // Reads keep working until the Database is destroyed. Idempotent.
  void close();

  WriteStats stats() const;

 private:
  struct PendingWrite {
    WriteFn fn;
    DoneFn done;
  };

  class ReaderLease {
   public:
    explicit ReaderLease(Database& db);  // blocks until a read connection is free
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;
    ~ReaderLease();
    Connection& connection() { return *conn_; }

   private:
    Database& db_;
    Connection* conn_;
  };

  Database(const config::StoreSettings& settings, std::unique_ptr<Connection> writer,
           std::unique_ptr<WalCheckpoint> checkpoint,
           std::vector<std::unique_ptr<Connection>> readers);
  void writer_loop();
  void checkpointer_loop();
  void committed(std::int64_t wal_frames);  // the writer connection's WAL hook
  void run_batch(std::vector<PendingWrite>& batch);
  bool run_unguarded(const std::vector<PendingWrite>& batch, std::vector<StoreStatus>& results);
  void run_guarded(const std::vector<PendingWrite>& batch, std::vector<StoreStatus>& results);

  const std::chrono::microseconds window_;
  const std::size_t max_batch_;

  // The checkpointer thread's checkpoint: it flushes the database file in steps, so that its
  // flush does not hold up the writer's next WAL fsync. First, so destroyed last: it holds a
  // descriptor of the database file, whose closing drops the process's POSIX locks on it.
  std::unique_ptr<WalCheckpoint> checkpoint_;
  std::unique_ptr<Connection> writer_conn_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<PendingWrite> queue_;
  // Producer threads (see producer_idle) that queued a write and have not been idle since.
  std::size_t busy_producers_ = 0;
  bool closing_ = false;
  std::mutex close_mu_;
  std::thread writer_;
  std::thread::id writer_id_;

  std::thread checkpointer_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;
  bool checkpointer_stopping_ = false;
  std::atomic<std::uint64_t> checkpoints_{0};
  std::atomic<std::uint64_t> checkpoint_failures_{0};
  CheckpointPolicy checkpoint_policy_;  // when the WAL is checkpointed, and by which thread

  std::vector<std::unique_ptr<Connection>> readers_;
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<Connection*> free_readers_;

  // Written by the writer thread only.
  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> ops_{0};
  std::atomic<std::uint64_t> commit_failures_{0};
  std::atomic<std::uint64_t> reruns_{0};
  // Batches still to run write by write (run_guarded) before one is tried whole again.
  unsigned guarded_left_ = 0;
  std::atomic<std::uint64_t> largest_batch_{0};
};

}  // namespace sa::store
