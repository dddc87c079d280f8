#include "store/buffered_wal_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <new>
#include <vector>

namespace sa::store {
namespace {

// WAL appends not yet written: bytes to be written at `offset`, in the order SQLite wrote them.
struct Pending {
  std::vector<char> bytes;
  sqlite3_int64 offset = 0;
};

// What xOpen fills in: this header, then the default VFS's own file object (szOsFile below).
// `pending` is null for every file but a WAL.
struct BufferedFile {
  sqlite3_file base;
  Pending* pending;
};

sqlite3_vfs* g_default = nullptr;  // set once, before the VFS is registered
std::atomic<std::uint64_t> g_appends{0};
std::atomic<std::uint64_t> g_file_writes{0};

sqlite3_file* inner(sqlite3_file* file) {
  return reinterpret_cast<sqlite3_file*>(reinterpret_cast<BufferedFile*>(file) + 1);
}
Pending* pending(sqlite3_file* file) { return reinterpret_cast<BufferedFile*>(file)->pending; }

// The unix VFS writes at most 128 KiB - 1 per call (it masks the size with 0x1ffff, and a write
// of exactly 128 KiB would be reported as a full disk): a commit larger than this takes more
// than one write.
constexpr std::size_t kMaxWrite = std::size_t{124} << 10;

// Writes what is held, in as few calls as the unix VFS allows. The bytes are dropped whatever the
// outcome: SQLite treats a failure as its own write's, and a later flush must not write them
// after newer ones.
int flush(sqlite3_file* file) {
  Pending* held = pending(file);
  if (held == nullptr || held->bytes.empty()) return SQLITE_OK;
  sqlite3_file* real = inner(file);
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < held->bytes.size() && rc == SQLITE_OK; done += kMaxWrite) {
    const std::size_t size = std::min(kMaxWrite, held->bytes.size() - done);
    rc = real->pMethods->xWrite(real, held->bytes.data() + done, static_cast<int>(size),
                                held->offset + static_cast<sqlite3_int64>(done));
    g_file_writes.fetch_add(1, std::memory_order_relaxed);
  }
  held->bytes.clear();
  return rc;
}

// ---- every file: the default VFS's methods on the file object behind the header ----

int close_file(sqlite3_file* file) {
  const int flushed = flush(file);
  delete pending(file);
  reinterpret_cast<BufferedFile*>(file)->pending = nullptr;
  sqlite3_file* real = inner(file);
  const int rc = real->pMethods->xClose(real);
  return flushed != SQLITE_OK ? flushed : rc;
}
int read_file(sqlite3_file* file, void* data, int amount, sqlite3_int64 offset) {
  return inner(file)->pMethods->xRead(inner(file), data, amount, offset);
}
int write_file(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  return inner(file)->pMethods->xWrite(inner(file), data, amount, offset);
}
int truncate_file(sqlite3_file* file, sqlite3_int64 size) {
  return inner(file)->pMethods->xTruncate(inner(file), size);
}
int sync_file(sqlite3_file* file, int flags) {
  return inner(file)->pMethods->xSync(inner(file), flags);
}
int file_size(sqlite3_file* file, sqlite3_int64* size) {
  return inner(file)->pMethods->xFileSize(inner(file), size);
}
int lock_file(sqlite3_file* file, int level) {
  return inner(file)->pMethods->xLock(inner(file), level);
}
int unlock_file(sqlite3_file* file, int level) {
  return inner(file)->pMethods->xUnlock(inner(file), level);
}
int check_reserved_lock(sqlite3_file* file, int* out) {
  return inner(file)->pMethods->xCheckReservedLock(inner(file), out);
}
int file_control(sqlite3_file* file, int op, void* arg) {
  return inner(file)->pMethods->xFileControl(inner(file), op, arg);
}
int sector_size(sqlite3_file* file) { return inner(file)->pMethods->xSectorSize(inner(file)); }
int device_characteristics(sqlite3_file* file) {
  return inner(file)->pMethods->xDeviceCharacteristics(inner(file));
}
int shm_map(sqlite3_file* file, int page, int page_size, int extend, void volatile** out) {
  return inner(file)->pMethods->xShmMap(inner(file), page, page_size, extend, out);
}
int shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return inner(file)->pMethods->xShmLock(inner(file), offset, n, flags);
}
void shm_barrier(sqlite3_file* file) { inner(file)->pMethods->xShmBarrier(inner(file)); }
int shm_unmap(sqlite3_file* file, int delete_flag) {
  return inner(file)->pMethods->xShmUnmap(inner(file), delete_flag);
}
int fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  return inner(file)->pMethods->xFetch(inner(file), offset, amount, out);
}
int unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return inner(file)->pMethods->xUnfetch(inner(file), offset, page);
}

// ---- the WAL's: gather appends, write them before anything that could see the file ----

int wal_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  g_appends.fetch_add(1, std::memory_order_relaxed);
  Pending* held = pending(file);
  const auto end = held->offset + static_cast<sqlite3_int64>(held->bytes.size());
  const auto size = static_cast<std::size_t>(amount);
  // Not an append (SQLite rewriting a frame of this transaction), or too much: what is held
  // goes first, so the file sees the writes in SQLite's order.
  if (!held->bytes.empty() && (offset != end || held->bytes.size() + size > kMaxBufferedWal)) {
    if (const int rc = flush(file); rc != SQLITE_OK) return rc;
  }
  if (held->bytes.empty()) held->offset = offset;
  const auto* bytes = static_cast<const char*>(data);
  held->bytes.insert(held->bytes.end(), bytes, bytes + size);
  return SQLITE_OK;
}

int wal_read(sqlite3_file* file, void* data, int amount, sqlite3_int64 offset) {
  const int rc = flush(file);
  return rc != SQLITE_OK ? rc : read_file(file, data, amount, offset);
}
int wal_sync(sqlite3_file* file, int flags) {
  const int rc = flush(file);
  return rc != SQLITE_OK ? rc : sync_file(file, flags);
}
int wal_truncate(sqlite3_file* file, sqlite3_int64 size) {
  const int rc = flush(file);
  return rc != SQLITE_OK ? rc : truncate_file(file, size);
}
int wal_file_size(sqlite3_file* file, sqlite3_int64* size) {
  const int rc = flush(file);
  return rc != SQLITE_OK ? rc : file_size(file, size);
}
int wal_file_control(sqlite3_file* file, int op, void* arg) {
  const int rc = flush(file);
  return rc != SQLITE_OK ? rc : file_control(file, op, arg);
}

// iVersion 3, as the default (unix) VFS's files: open() checks that before using either table.
constexpr sqlite3_io_methods kPassThrough = {3,
                                             close_file,
                                             read_file,
                                             write_file,
                                             truncate_file,
                                             sync_file,
                                             file_size,
                                             lock_file,
                                             unlock_file,
                                             check_reserved_lock,
                                             file_control,
                                             sector_size,
                                             device_characteristics,
                                             shm_map,
                                             shm_lock,
                                             shm_barrier,
                                             shm_unmap,
                                             fetch,
                                             unfetch};
// The WAL's: the same, but for the methods that write, or could see what is held.
constexpr sqlite3_io_methods wal_methods() {
  sqlite3_io_methods methods = kPassThrough;
  methods.xRead = wal_read;
  methods.xWrite = wal_write;
  methods.xTruncate = wal_truncate;
  methods.xSync = wal_sync;
  methods.xFileSize = wal_file_size;
  methods.xFileControl = wal_file_control;
  return methods;
}
constexpr sqlite3_io_methods kWal = wal_methods();

int open_file(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* buffered = reinterpret_cast<BufferedFile*>(file);
  buffered->base.pMethods = nullptr;  // SQLite calls no xClose on a file whose open failed
  buffered->pending = nullptr;
  sqlite3_file* real = inner(file);
  const int rc = g_default->xOpen(g_default, name, real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  if (real->pMethods == nullptr || real->pMethods->iVersion < 3) {
    if (real->pMethods != nullptr) real->pMethods->xClose(real);
    return SQLITE_CANTOPEN;
  }
  if ((flags & SQLITE_OPEN_WAL) != 0) {
    buffered->pending = new (std::nothrow) Pending;
    if (buffered->pending == nullptr) {
      real->pMethods->xClose(real);
      return SQLITE_NOMEM;
    }
    buffered->base.pMethods = &kWal;
  } else {
    buffered->base.pMethods = &kPassThrough;
  }
  return SQLITE_OK;
}

// ---- the VFS's own methods: the default VFS's ----

int delete_file(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_default->xDelete(g_default, name, sync_dir);
}
int access_file(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_default->xAccess(g_default, name, flags, out);
}
int full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return g_default->xFullPathname(g_default, name, size, out);
}
void* dl_open(sqlite3_vfs*, const char* name) { return g_default->xDlOpen(g_default, name); }
void dl_error(sqlite3_vfs*, int size, char* out) { g_default->xDlError(g_default, size, out); }
void (*dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return g_default->xDlSym(g_default, handle, symbol);
}
void dl_close(sqlite3_vfs*, void* handle) { g_default->xDlClose(g_default, handle); }
int randomness(sqlite3_vfs*, int size, char* out) {
  return g_default->xRandomness(g_default, size, out);
}
int sleep_for(sqlite3_vfs*, int microseconds) { return g_default->xSleep(g_default, microseconds); }
int current_time(sqlite3_vfs*, double* out) { return g_default->xCurrentTime(g_default, out); }
int last_error(sqlite3_vfs*, int size, char* out) {
  return g_default->xGetLastError(g_default, size, out);
}
int current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_default->xCurrentTimeInt64(g_default, out);
}

sqlite3_vfs g_vfs;

}  // namespace

BufferedWalCounts buffered_wal_counts() {
  return {g_appends.load(std::memory_order_relaxed), g_file_writes.load(std::memory_order_relaxed)};
}

const char* buffered_wal_vfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_default = sqlite3_vfs_find(nullptr);
    // xCurrentTimeInt64 (version 2) is the newest method used; the unix VFS is version 3.
    if (g_default == nullptr || g_default->iVersion < 2) return;
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(BufferedFile)) + g_default->szOsFile;
    g_vfs.mxPathname = g_default->mxPathname;
    g_vfs.zName = "sa-buffered-wal";
    g_vfs.xOpen = open_file;
    g_vfs.xDelete = delete_file;
    g_vfs.xAccess = access_file;
    g_vfs.xFullPathname = full_pathname;
    g_vfs.xDlOpen = dl_open;
    g_vfs.xDlError = dl_error;
    g_vfs.xDlSym = dl_sym;
    g_vfs.xDlClose = dl_close;
    g_vfs.xRandomness = randomness;
    g_vfs.xSleep = sleep_for;
    g_vfs.xCurrentTime = current_time;
    g_vfs.xGetLastError = last_error;
    g_vfs.xCurrentTimeInt64 = current_time_int64;
    if (sqlite3_vfs_register(&g_vfs, 0) != SQLITE_OK) g_default = nullptr;
  });
  return g_default != nullptr ? g_vfs.zName : nullptr;
}

}  // namespace sa::store
