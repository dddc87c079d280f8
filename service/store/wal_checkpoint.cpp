#include "store/wal_checkpoint.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>

namespace sa::store {
namespace {

// The database file is written back this much at a time, two steps in flight at most: that is
// all the disk has queued ahead of a WAL fsync that arrives meanwhile.
constexpr off_t kFlushStep = off_t{1} << 20;
// A copy this small is flushed with one fdatasync: no more than one step queued at once. Most
// runs are: after a large copy the checkpointer runs again at once for the frames committed
// meanwhile, until it has caught up with the writer (only then may the WAL restart). Walking the
// whole file in steps for each of those cost 10-15 % more CPU per refresh and twice as many
// runs, each copying the same hot pages again (measured; README, Benchmarks).
constexpr std::uint64_t kSmallCopyBytes = std::uint64_t{1} << 18;

// Bytes this thread has written with write(2) and its kin so far (Linux task I/O accounting):
// the copy is SQLite's pwrites on the calling thread. nullopt where /proc does not say.
std::optional<std::uint64_t> thread_bytes_written() {
#ifdef __linux__
  const int fd = ::open("/proc/thread-self/io", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char text[512];
  const ssize_t size = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (size <= 0) return std::nullopt;
  text[size] = '\0';
  const char* wchar = std::strstr(text, "wchar: ");
  if (wchar == nullptr) return std::nullopt;
  return std::strtoull(wchar + 7, nullptr, 10);
#else
  return std::nullopt;
#endif
}

int retry_eintr(int (*call)(int), int fd) {
  int rc = 0;
  do {
    rc = call(fd);
  } while (rc != 0 && errno == EINTR);
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
  // before the flush finds them all still in the WAL, and recovery reads them from there.
  if (guard_->exec("BEGIN") != StoreStatus::ok) return StoreStatus::io_error;
  {
    auto pin = guard_->prepare("SELECT 1 FROM sqlite_schema LIMIT 1");
    pin.step();  // the read transaction starts with the first read, and lasts until ROLLBACK
    if (pin.status() != StoreStatus::ok) {
      guard_->exec("ROLLBACK");
      return pin.status();
    }
  }
  // Copies the frames up to the guard's mark, no further: a checkpoint never copies past a
  // reader's mark. synchronous=OFF skips only SQLite's fsyncs around the copy: of the WAL (each
  // commit fsynced it already) and of the database file (flush() below does that, in steps).
  // Set back at once: SQLite checkpoints on a connection's last close too, and that one must
  // sync.
  StoreStatus status = copier_->exec("PRAGMA synchronous=OFF");
  const auto written_before = thread_bytes_written();
  if (status == StoreStatus::ok) status = copier_->checkpoint_passive();
  const auto written_after = thread_bytes_written();
  const bool small_copy =
      written_before && written_after && *written_after - *written_before <= kSmallCopyBytes;
  if (copier_->exec("PRAGMA synchronous=FULL") != StoreStatus::ok) {
    failed_ = true;  // the guard stays: nothing copied may be overwritten in the WAL
    return StoreStatus::io_error;
  }
  if (status == StoreStatus::ok) {
    if (before_flush_) before_flush_();
    if (!flush(/*in_steps=*/!small_copy)) {
      failed_ = true;  // as above: the WAL keeps every frame from here on
      return StoreStatus::io_error;
    }
  }
  guard_->exec("ROLLBACK");
  return status;
}

bool WalCheckpoint::flush(bool in_steps) {
#ifdef __linux__
  // Written back step by step, so the disk's queue never holds more than two steps of this file
  // ahead of the writer's WAL fsync: step n is started, then step n - 1 waited for. Clean ranges
  // cost a page-cache lookup only.
  struct stat st {};
  if (!in_steps) return retry_eintr(::fdatasync, fd_) == 0;
  if (::fstat(fd_, &st) != 0) return false;
  const auto range_sync = [this](off_t offset, unsigned flags) {
    int rc = 0;
    do {
      rc = ::sync_file_range(fd_, offset, kFlushStep, flags);
    } while (rc != 0 && errno == EINTR);
    return rc == 0;
  };
  constexpr unsigned kStart = SYNC_FILE_RANGE_WRITE;
  constexpr unsigned kFinish =
      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;
  for (off_t offset = 0; offset < st.st_size; offset += kFlushStep) {
    if (!range_sync(offset, kStart)) return false;
    if (offset > 0 && !range_sync(offset - kFlushStep, kFinish)) return false;
  }
  if (st.st_size > 0 && !range_sync((st.st_size - 1) / kFlushStep * kFlushStep, kFinish)) {
    return false;
  }
#endif
  // Durable: the data sync_file_range wrote, the file's size, and the disk's write cache.
  return retry_eintr(::fdatasync, fd_) == 0;
}

}  // namespace sa::store
