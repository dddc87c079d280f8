// A SQLite VFS that writes a connection's WAL appends in one system call per commit. SQLite
// writes each frame as two pwrite calls, its 24-byte header and then the page: a group commit of
// refreshes (some 45 frames) cost 90 calls, 7 a request, on the writer thread. Through this VFS
// the appends gather in memory and reach the file in one write when SQLite syncs the WAL, reads
// it, sizes, truncates or closes it, or when a write does not follow the last, or past
// kMaxBufferedWal. Every other file, and every other method, is the default VFS's own.
//
// Only for a connection with synchronous=FULL (every Connection has it): then each commit
// syncs its frames before it publishes them in the WAL index, so no other connection ever reads a
// frame still held here. What a crash takes from the buffer was never synced: an unfinished
// transaction, which SQLite's recovery ignores (frame checksums), as it would without this VFS.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sa::store {

// At most this much is held (a migration or a large purge writes more in one transaction): an
// append that would pass it writes what is held first.
inline constexpr std::size_t kMaxBufferedWal = std::size_t{1} << 20;

// Since the process started, over every WAL opened through the VFS: the writes SQLite made and
// the writes that reached the file. For tests.
struct BufferedWalCounts {
  std::uint64_t appends = 0;
  std::uint64_t file_writes = 0;
};
BufferedWalCounts buffered_wal_counts();

// The VFS's name for sqlite3_open_v2. Registers it on the first call (never as the default);
// nullptr if SQLite has no default VFS to build on.
const char* buffered_wal_vfs();

}  // namespace sa::store
