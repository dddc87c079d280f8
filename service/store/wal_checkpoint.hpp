// One WAL checkpoint whose database-file flush does not hold up the writer's commits. SQLite's
// own checkpoint copies the WAL's pages into the database file and then fsyncs that file in one
// go: some 16 MiB a run (CheckpointPolicy::kCheckpointFrames), queued on the disk ahead of the
// writer's small WAL fsync, which then waits for all of it (the refresh benchmark's p99). This one
// copies with SQLite's sync off, writing the copy back in bounded steps as SQLite makes it, then
// one fdatasync, while a read transaction keeps the WAL from being restarted (overwritten) until
// that is done. It does not decide when to run: Database's checkpointer thread does.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "store/connection.hpp"
#include "store/status.hpp"
#include "util/expected.hpp"

namespace sa::store {

class WalCheckpoint {
 public:
  // Opens the database file (for the flush) and two connections to it. The file must exist and
  // be in WAL mode already (Database::open has run the writer's set-up).
  static Expected<std::unique_ptr<WalCheckpoint>, std::string> open(const std::string& path,
                                                                    std::uint32_t busy_timeout_ms);

  WalCheckpoint(const WalCheckpoint&) = delete;
  WalCheckpoint& operator=(const WalCheckpoint&) = delete;
  // Closes its connections, then the file descriptor (see fd_).
  ~WalCheckpoint();

  // One PASSIVE checkpoint: copies what no reader still needs, waits for no one. ok once the
  // copied pages are durable in the database file; busy if another checkpoint held the WAL;
  // io_error if the file could not be flushed, after which the WAL is never restarted again
  // (every commit stays durable in it) and every later run() fails at once.
  StoreStatus run();

  // For tests: runs after the copy, before its write-back is waited for and made durable, while
  // the WAL is held.
  void set_before_flush(std::function<void()> hook) { before_flush_ = std::move(hook); }
  // What the last successful run() left: the WAL's frames as it saw them, and how many of them
  // are in the database file.
  CheckpointFrames last_frames() const { return last_frames_; }
  // For tests: in how many steps the last run() that copied wrote its copy back.
  std::uint64_t last_write_back_steps() const { return last_write_back_steps_; }

 private:
  WalCheckpoint(int fd, std::unique_ptr<Connection> copier, std::unique_ptr<Connection> guard)
      : fd_(fd), copier_(std::move(copier)), guard_(std::move(guard)) {}

  // The database file, open for as long as this object: closing any descriptor of a file drops
  // every POSIX lock the process holds on it, SQLite's included. So the Database that owns this
  // object destroys it after all its other connections.
  int fd_;
  std::unique_ptr<Connection> copier_;  // runs the checkpoint; synchronous=FULL between runs
  std::unique_ptr<Connection> guard_;   // holds a read mark from before the copy to after the flush
  std::function<void()> before_flush_;
  std::uint64_t last_write_back_steps_ = 0;
  CheckpointFrames last_frames_;
  bool failed_ = false;
};

}  // namespace sa::store
