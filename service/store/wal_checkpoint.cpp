#include "store/wal_checkpoint.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace sa::store {
namespace {

// The copy is written back 16 KiB at a time, two steps in flight at most: that is all the disk
// has queued of it ahead of a WAL fsync that arrives meanwhile. Measured on the benchmark's VM
// (README, Benchmarks): 1 MiB steps left refresh's p99 where one fsync had it, 64 KiB halved it
// in one run of two, 16 KiB in every run, at the same CPU per request. On storage slower per
// write a checkpoint takes longer; should the WAL outgrow kWriterCheckpointFrames meanwhile,
// the writer checkpoints itself (CheckpointPolicy).
constexpr std::int64_t kWriteBackStep = std::int64_t{16} << 10;

int retry_eintr(int (*call)(int), int fd) {
  int rc = 0;
  do {
    rc = call(fd);
  } while (rc != 0 && errno == EINTR);
  return rc;
}

// Writes the copy back to disk as SQLite makes it, step by step: step n is started once SQLite
// has written it, then step n - 1 waited for. SQLite copies pages in ascending order, so a step
// is one range of the file; were it not, the ranges would only be wider (sync_file_range skips
// clean pages), and finish()'s fdatasync makes everything durable either way.
class WriteBack {
 public:
  WriteBack(int fd, const sqlite3_io_methods* file_methods) : file_methods(file_methods), fd_(fd) {}

  const sqlite3_io_methods* const file_methods;  // the database file's own, which do the writes

  // SQLite has just written [offset, offset + size) of the database file.
  void wrote(std::int64_t offset, int size) {
    begin_ = bytes_ == 0 ? offset : std::min(begin_, offset);
    end_ = bytes_ == 0 ? offset + size : std::max(end_, offset + size);
    bytes_ += size;
    if (bytes_ >= kWriteBackStep) next_step();
  }

  std::uint64_t steps() const { return steps_; }

  // Starts what is left, waits for all of it, then fdatasync: the data, the file's size, and
  // the disk's write cache. False if any of it failed.
  bool finish() {
    if (bytes_ > 0) next_step();
    if (in_flight_end_ > in_flight_begin_) wait(in_flight_begin_, in_flight_end_);
    return ok_ && retry_eintr(::fdatasync, fd_) == 0;
  }

 private:
  void next_step() {
    range_sync(begin_, end_, SYNC_FILE_RANGE_WRITE);
    if (in_flight_end_ > in_flight_begin_) wait(in_flight_begin_, in_flight_end_);
    in_flight_begin_ = begin_;
    in_flight_end_ = end_;
    bytes_ = 0;
    ++steps_;
  }

  void wait(std::int64_t begin, std::int64_t end) {
    range_sync(begin, end,
               SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
  }

  // sync_file_range(2) is Linux's, as is everything this server runs on.
  void range_sync(std::int64_t begin, std::int64_t end, unsigned flags) {
    int rc = 0;
    do {
      rc = ::sync_file_range(fd_, begin, end - begin, flags);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) ok_ = false;
  }

  int fd_;
  std::int64_t begin_ = 0;  // written since the last step, not yet started
  std::int64_t end_ = 0;
  std::int64_t bytes_ = 0;
  std::int64_t in_flight_begin_ = 0;  // started, not yet waited for
  std::int64_t in_flight_end_ = 0;
  std::uint64_t steps_ = 0;
  bool ok_ = true;
};

// While WalCheckpoint::run() copies, on its thread: where the copy's writes are reported.
thread_local WriteBack* t_write_back = nullptr;

int write_and_report(sqlite3_file* file, const void* data, int size, sqlite3_int64 offset) {
  const int rc = t_write_back->file_methods->xWrite(file, data, size, offset);
  if (rc == SQLITE_OK) t_write_back->wrote(offset, size);
  return rc;
}

}  // namespace

Expected<std::unique_ptr<WalCheckpoint>, std::string> WalCheckpoint::open(
    const std::string& path, std::uint32_t busy_timeout_ms) {
  auto copier = Connection::open(path, ConnectionOptions{.busy_timeout_ms = busy_timeout_ms});
  if (!copier) return unexpected(copier.error());
  auto guard = Connection::open(
      path, ConnectionOptions{.busy_timeout_ms = busy_timeout_ms, .query_only = true});
  if (!guard) return unexpected(guard.error());
  // Last, so that no failure above has a descriptor to close (see fd_).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return unexpected("cannot open database " + path + " for checkpoints: " + std::strerror(errno));
  }
  return std::unique_ptr<WalCheckpoint>(
      new WalCheckpoint(fd, std::move(*copier), std::move(*guard)));
}

WalCheckpoint::~WalCheckpoint() {
  // Should the copier be the process's last connection to the file, closing it checkpoints
  // everything and deletes the WAL: with its sync on, as run() leaves it unless that failed.
  copier_->exec("PRAGMA synchronous=FULL");
  guard_.reset();
  copier_.reset();
  ::close(fd_);
}

StoreStatus WalCheckpoint::run() {
  if (failed_) return StoreStatus::io_error;
  // The guard's read transaction takes a read mark at the WAL's last frame (or mark 0 when the
  // WAL is all in the database file already, and then there is nothing to copy). While a reader
  // holds a non-zero mark, no writer may restart the WAL over frames already copied: a crash
  // before the write-back is durable finds them all still in the WAL, and recovery reads them
  // from there.
  if (guard_->exec("BEGIN") != StoreStatus::ok) return StoreStatus::io_error;
  {
    auto pin = guard_->prepare("SELECT 1 FROM sqlite_schema LIMIT 1");
    pin.step();  // the read transaction starts with the first read, and lasts until ROLLBACK
    if (pin.status() != StoreStatus::ok) {
      guard_->exec("ROLLBACK");
      return pin.status();
    }
  }
  // The database file as the copier's connection writes it (SQLITE_FCNTL_FILE_POINTER is the
  // pager's file, the one a checkpoint writes through).
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(copier_->handle(), "main", SQLITE_FCNTL_FILE_POINTER, &file) !=
          SQLITE_OK ||
      file == nullptr || file->pMethods == nullptr) {
    guard_->exec("ROLLBACK");
    return StoreStatus::io_error;
  }
  // Copies the frames up to the guard's mark, no further: a checkpoint never copies past a
  // reader's mark. synchronous=OFF skips only SQLite's fsyncs around the copy: of the WAL (each
  // commit fsynced it already) and of the database file (WriteBack does that, in steps, as the
  // copy goes: each write goes through write_and_report while the copy runs). Set back at
  // once: SQLite checkpoints on a connection's last close too, and that one must sync.
  WriteBack write_back(fd_, file->pMethods);
  CheckpointFrames frames;
  StoreStatus status = copier_->exec("PRAGMA synchronous=OFF");
  if (status == StoreStatus::ok) {
    sqlite3_io_methods reporting = *write_back.file_methods;
    reporting.xWrite = &write_and_report;
    t_write_back = &write_back;
    // sqlite3_file and its methods are SQLite's public VFS structures; the table is swapped
    // only for this call, on the one thread that uses this connection, and every method but
    // xWrite is SQLite's own.
    file->pMethods = &reporting;
    status = copier_->checkpoint_passive(&frames);
    file->pMethods = write_back.file_methods;
    t_write_back = nullptr;
  }
  if (copier_->exec("PRAGMA synchronous=FULL") != StoreStatus::ok) {
    failed_ = true;  // the guard stays: nothing copied may be overwritten in the WAL
    return StoreStatus::io_error;
  }
  if (status == StoreStatus::ok) {
    if (before_flush_) before_flush_();
    const bool flushed = write_back.finish();
    last_write_back_steps_ = write_back.steps();
    if (!flushed) {
      failed_ = true;  // as above: the WAL keeps every frame from here on
      return StoreStatus::io_error;
    }
    last_frames_ = frames;
  }
  guard_->exec("ROLLBACK");
  return status;
}

}  // namespace sa::store
