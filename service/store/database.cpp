#include "store/database.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <system_error>
#include <utility>

#include "store/transaction.hpp"

namespace sa::store {
namespace {

void fill(std::vector<StoreStatus>& results, std::size_t from, std::size_t to, StoreStatus status) {
  for (std::size_t i = from; i < to; ++i) results[i] = status;
}

// What an op that was fine gets when its batch as a whole fails.
StoreStatus batch_failure(StoreStatus status) {
  return status == StoreStatus::busy ? StoreStatus::busy : StoreStatus::io_error;
}

// After a batch has had to run again (run_batch), this many batches run write by write from the
// start: a stream of failing writes (replayed assertions, say) then costs what each write's
// SAVEPOINT costs, not a whole batch run twice.
constexpr unsigned kGuardedAfterRerun = 64;

StoreStatus call(Connection& conn, const Database::WriteFn& fn) {
  try {
    return fn(conn);
  } catch (...) {  // a bug in the op; it must not take the batch or the writer thread down
    return StoreStatus::io_error;
  }
}

StoreStatus run_op(Connection& conn, const Database::WriteFn& fn) {
  auto savepoint = Savepoint::begin(conn, "op");
  if (!savepoint) return savepoint.error();
  const StoreStatus status = call(conn, fn);
  if (status == StoreStatus::ok) return savepoint->release();  // on failure, ~Savepoint undoes
  savepoint->rollback();
  return status;
}

}  // namespace

Expected<std::unique_ptr<Database>, std::string> Database::open(
    const config::StoreSettings& settings) {
  // applied_at is the only wall-clock read in the store; it is informational.
  static const SystemClock clock;
  return open(settings, embedded_migrations(), clock);
}

Expected<std::unique_ptr<Database>, std::string> Database::open(
    const config::StoreSettings& settings, std::vector<Migration> migrations, const Clock& clock) {
  const std::string& path = settings.path;
  // The writer and the readers are separate connections, which must see the same file.
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) {
    return unexpected("store.path must name a database file, not '" + path + "'");
  }
  if (settings.read_connections == 0)
    return unexpected(std::string("store.read_connections must be at least 1"));
  if (settings.max_batch == 0) return unexpected(std::string("store.max_batch must be at least 1"));

  if (auto error = prepare_file(path)) return unexpected(std::move(*error));

  ConnectionOptions writer_options{.busy_timeout_ms = settings.busy_timeout_ms,
                                   .create = true,
                                   .wal = true,
                                   .buffered_wal = true};
  auto writer = Connection::open(path, writer_options);
  if (!writer) return unexpected(writer.error());
  auto report = Migrator(std::move(migrations)).run(**writer, clock.now_seconds());
  if (!report) return unexpected("database " + path + ": " + report.error());

  std::vector<std::unique_ptr<Connection>> readers;
  ConnectionOptions reader_options{.busy_timeout_ms = settings.busy_timeout_ms, .query_only = true};
  for (std::uint32_t i = 0; i < settings.read_connections; ++i) {
    auto reader = Connection::open(path, reader_options);
    if (!reader) return unexpected(reader.error());
    readers.push_back(std::move(*reader));
  }
  // Opened last, so that no failure path destroys it (closing its descriptor of the file, see
  // WalCheckpoint::fd_) while the connections above still hold their locks.
  auto checkpoint = WalCheckpoint::open(path, settings.busy_timeout_ms);
  if (!checkpoint) return unexpected(checkpoint.error());
  return std::unique_ptr<Database>(
      new Database(settings, std::move(*writer), std::move(*checkpoint), std::move(readers)));
}

std::optional<std::string> Database::prepare_file(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return "cannot create directory " + parent.string() + ": " + ec.message();
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot create database file " + path;
  ::fchmod(fd, 0600);
  ::close(fd);
  return std::nullopt;
}

Database::Database(const config::StoreSettings& settings, std::unique_ptr<Connection> writer,
                   std::unique_ptr<WalCheckpoint> checkpoint,
                   std::vector<std::unique_ptr<Connection>> readers)
    : window_(settings.group_commit_window_us),
      max_batch_(settings.max_batch),
      checkpoint_(std::move(checkpoint)),
      writer_conn_(std::move(writer)),
      readers_(std::move(readers)) {
  for (auto& reader : readers_) free_readers_.push_back(reader.get());
  writer_conn_->on_wal_commit([this](std::int64_t frames) { committed(frames); });
  checkpointer_ = std::thread([this] { checkpointer_loop(); });
  writer_ = std::thread([this] { writer_loop(); });
  writer_id_ = writer_.get_id();
}

void Database::committed(std::int64_t wal_frames) {
  switch (checkpoint_policy_.committed(wal_frames)) {
    case CheckpointPolicy::AfterCommit::nothing:
      return;
    case CheckpointPolicy::AfterCommit::writer_checkpoints:
      // Inside the WAL hook, where SQLite runs its own; synchronous=FULL, so SQLite fsyncs the
      // database file before any restart can overwrite the frames. busy (the checkpointer holds
      // the WAL) leaves them for later.
      if (writer_conn_->checkpoint_passive() == StoreStatus::ok) {
        checkpoints_.fetch_add(1, std::memory_order_relaxed);
      }
      return;
    case CheckpointPolicy::AfterCommit::wake_checkpointer:
      break;
  }
  {
    std::lock_guard lock(checkpoint_mu_);
    checkpoint_wanted_ = true;
  }
  checkpoint_cv_.notify_one();
}

void Database::checkpointer_loop() {
  for (;;) {
    {
      std::unique_lock lock(checkpoint_mu_);
      checkpoint_cv_.wait(lock, [this] { return checkpoint_wanted_ || checkpointer_stopping_; });
      if (checkpointer_stopping_) return;
      checkpoint_wanted_ = false;
    }
    // PASSIVE: copies what no reader still needs and waits for no one; the writer goes on
    // appending meanwhile. busy leaves the frames for the next request.
    for (int run = 0;; ++run) {
      const StoreStatus status = checkpoint_->run();
      if (status != StoreStatus::ok) {
        if (status == StoreStatus::io_error) {
          checkpoint_failures_.fetch_add(1, std::memory_order_relaxed);
        }
        break;
      }
      checkpoints_.fetch_add(1, std::memory_order_relaxed);
      if (checkpoint_policy_.copied(run, checkpoint_->last_frames().in_database) !=
          CheckpointPolicy::AfterRun::run_again) {
        break;
      }
    }
  }
}

Database::~Database() { close(); }

namespace {

// Per producer thread (producer_idle): the Database it has queued writes to since it was last
// idle, or null. Set by write(), cleared by producer_idle().
thread_local Database* t_busy_for = nullptr;
// Whether this thread has ever reported itself idle: only such threads hold a batch open.
thread_local bool t_producer = false;

}  // namespace

void Database::write(WriteFn fn, DoneFn done) {
  std::unique_lock lock(queue_mu_);
  if (closing_) {
    lock.unlock();
    if (done) done(StoreStatus::closed);
    return;
  }
  queue_.push_back(PendingWrite{std::move(fn), std::move(done)});
  if (t_producer && t_busy_for != this) {
    t_busy_for = this;
    ++busy_producers_;
  }
  // Wake the writer when it waits for a first write, or when it gathers and the batch has just
  // become full; any other notify would only cost the producers a futex call.
  const bool wake = queue_.size() == 1 || queue_.size() == max_batch_;
  lock.unlock();
  if (wake) queue_cv_.notify_one();
}

void Database::write_counting(WriteFn fn, PurgedFn done) {
  auto rows = std::make_shared<std::uint64_t>(0);
  write(
      [fn = std::move(fn), rows](Connection& conn) {
        const std::int64_t before = conn.total_changes();
        const StoreStatus status = fn(conn);
        *rows = static_cast<std::uint64_t>(conn.total_changes() - before);  // a rerun's stands
        return status;
      },
      [rows, done = std::move(done)](StoreStatus status) {
        if (done) done(status, status == StoreStatus::ok ? *rows : 0);
      });
}

void Database::producer_idle() {
  t_producer = true;
  if (t_busy_for != this) return;  // queued nothing since it was last idle: nothing to tell
  t_busy_for = nullptr;
  std::unique_lock lock(queue_mu_);
  // Never below zero, whatever a thread's history with another Database at this address was.
  if (busy_producers_ > 0) --busy_producers_;
  const bool last = busy_producers_ == 0;
  lock.unlock();
  if (last) queue_cv_.notify_one();
}

StoreStatus Database::write_sync(WriteFn fn) {
  if (std::this_thread::get_id() == writer_id_) return StoreStatus::io_error;  // would deadlock
  std::promise<StoreStatus> committed;
  auto result = committed.get_future();
  write(std::move(fn), [&committed](StoreStatus status) { committed.set_value(status); });
  if (t_producer) producer_idle();  // it waits for the commit now: it adds nothing more
  return result.get();
}

void Database::writer_loop() {
  std::vector<PendingWrite> batch;
  for (;;) {
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return !queue_.empty() || closing_; });
      if (queue_.empty()) return;  // closing, and everything queued has been committed
      // Group commit: one fsync serves every write queued while a producer thread that queued
      // one is still busy (more are on their way), for up to the window.
      if (window_.count() > 0 && !closing_ && queue_.size() < max_batch_ && busy_producers_ > 0) {
        queue_cv_.wait_for(lock, window_, [this] {
          return closing_ || queue_.size() >= max_batch_ || busy_producers_ == 0;
        });
      }
      const std::size_t n = std::min(queue_.size(), max_batch_);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
    batch.clear();
  }
}

void Database::run_batch(std::vector<PendingWrite>& batch) {
  std::vector<StoreStatus> results(batch.size(), StoreStatus::ok);
  // Nearly every batch is writes that all succeed. Run whole, it needs no SAVEPOINT per write,
  // for which SQLite copies every page the write touches into a statement journal and frees the
  // copies on RELEASE (callgrind: 9 % of the instructions of a code exchange, 5.5 % of a refresh).
  // The first failure sends the batch back to be run write by write (WriteFn).
  bool settled = false;
  if (guarded_left_ == 0) {
    settled = run_unguarded(batch, results);
    if (!settled) {
      reruns_.fetch_add(1, std::memory_order_relaxed);
      guarded_left_ = kGuardedAfterRerun;
    }
  } else {
    --guarded_left_;
  }
  if (!settled) {
    std::fill(results.begin(), results.end(), StoreStatus::ok);
    run_guarded(batch, results);
  }
  ops_.fetch_add(batch.size(), std::memory_order_relaxed);
  if (batch.size() > largest_batch_.load(std::memory_order_relaxed)) {
    largest_batch_.store(batch.size(), std::memory_order_relaxed);
  }
  // Only now, with the batch durable, may anyone act on it (send a token, answer 201).
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].done) continue;
    try {
      batch[i].done(results[i]);
    } catch (...) {  // a throwing callback is a bug; it must not stop the writer
    }
  }
}

bool Database::run_unguarded(const std::vector<PendingWrite>& batch,
                             std::vector<StoreStatus>& results) {
  Connection& conn = *writer_conn_;
  auto tx = Transaction::begin(conn, Transaction::Mode::immediate);
  if (!tx) return false;  // run_guarded tries again and reports it
  for (const PendingWrite& write : batch) {
    // Failed, or SQLite rolled the transaction back (I/O error, disk full): ~Transaction undoes
    // what is left, and every write runs again.
    if (call(conn, write.fn) != StoreStatus::ok || !conn.in_transaction()) return false;
  }
  batches_.fetch_add(1, std::memory_order_relaxed);
  if (const StoreStatus committed = tx->commit(); committed != StoreStatus::ok) {
    std::fill(results.begin(), results.end(), batch_failure(committed));
    commit_failures_.fetch_add(1, std::memory_order_relaxed);
  }
  return true;
}

void Database::run_guarded(const std::vector<PendingWrite>& batch,
                           std::vector<StoreStatus>& results) {
  Connection& conn = *writer_conn_;
  std::size_t next = 0;
  while (next < batch.size()) {
    const std::size_t first = next;
    batches_.fetch_add(1, std::memory_order_relaxed);
    auto tx = Transaction::begin(conn, Transaction::Mode::immediate);
    if (!tx) {
      fill(results, first, results.size(), batch_failure(tx.error()));
      commit_failures_.fetch_add(1, std::memory_order_relaxed);
      break;
    }
    bool lost = false;
    for (; next < batch.size() && !lost; ++next) {
      results[next] = run_op(conn, batch[next].fn);
      if (!conn.in_transaction()) {
        // SQLite rolled the whole transaction back (I/O error, disk full): the earlier writes of
        // this transaction are gone too. The rest of the batch gets a new transaction.
        const StoreStatus status = batch_failure(results[next]);
        fill(results, first, next + 1, status);
        commit_failures_.fetch_add(1, std::memory_order_relaxed);
        lost = true;
      }
    }
    if (lost) continue;
    if (const StoreStatus committed = tx->commit(); committed != StoreStatus::ok) {
      for (std::size_t i = first; i < next; ++i) {
        if (results[i] == StoreStatus::ok) results[i] = batch_failure(committed);
      }
      commit_failures_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

bool Database::healthy() {
  {
    std::lock_guard lock(queue_mu_);
    if (closing_) return false;
  }
  return read([](Connection& conn) {
    auto stmt = conn.prepare("SELECT 1");
    return stmt.step() && stmt.column_int64(0) == 1;
  });
}

void Database::close() {
  std::lock_guard close_lock(close_mu_);
  {
    std::lock_guard lock(queue_mu_);
    closing_ = true;
  }
  queue_cv_.notify_all();
  // From a DoneFn the writer cannot join itself; it exits once the queue drains and the
  // destructor (on another thread) joins it.
  if (writer_.joinable() && std::this_thread::get_id() != writer_id_) writer_.join();
  {
    std::lock_guard lock(checkpoint_mu_);
    checkpointer_stopping_ = true;
  }
  checkpoint_cv_.notify_one();
  if (checkpointer_.joinable()) checkpointer_.join();
}

Database::WriteStats Database::stats() const {
  return WriteStats{.batches = batches_.load(std::memory_order_relaxed),
                    .ops = ops_.load(std::memory_order_relaxed),
                    .commit_failures = commit_failures_.load(std::memory_order_relaxed),
                    .largest_batch = largest_batch_.load(std::memory_order_relaxed),
                    .reruns = reruns_.load(std::memory_order_relaxed),
                    .checkpoints = checkpoints_.load(std::memory_order_relaxed),
                    .checkpoint_failures = checkpoint_failures_.load(std::memory_order_relaxed)};
}

Database::ReaderLease::ReaderLease(Database& db) : db_(db) {
  std::unique_lock lock(db_.readers_mu_);
  db_.readers_cv_.wait(lock, [this] { return !db_.free_readers_.empty(); });
  conn_ = db_.free_readers_.back();
  db_.free_readers_.pop_back();
}

Database::ReaderLease::~ReaderLease() {
  // A read left inside BEGIN would pin its snapshot and stall WAL checkpoints.
  if (conn_->in_transaction()) conn_->exec("ROLLBACK");
  {
    std::lock_guard lock(db_.readers_mu_);
    db_.free_readers_.push_back(conn_);
  }
  db_.readers_cv_.notify_one();
}

}  // namespace sa::store
