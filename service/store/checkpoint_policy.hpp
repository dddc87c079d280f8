// When the WAL is checkpointed, and by whom: the rules Database's writer and checkpointer
// threads follow, as arithmetic on WAL frame counts (4 KiB pages), so that they unit-test without
// a database. It runs no checkpoint itself.
#pragma once

#include <atomic>
#include <cstdint>

namespace sa::store {

class CheckpointPolicy {
 public:
  // The checkpointer thread copies the WAL into the database file each time commits have added
  // this many frames to it, so the writer never waits for a checkpoint's reads, writes and fsync:
  // with SQLite's automatic checkpoint (at 1,000 frames), the commit that crossed the line did,
  // and every request in its batch with it. Four times SQLite's default, so a page rewritten by
  // many commits (the last page of an index that appends) is copied once per checkpoint, not
  // four times.
  static constexpr std::int64_t kCheckpointFrames = 4'000;
  // SQLite restarts the WAL (writes from its start again) only once every frame in it has been
  // copied, and commits keep arriving while the thread copies. So once the WAL holds
  // kRestartFrames, the thread copies again until at most kCatchUpFrames are left (kMaxRuns runs
  // in all, at most), and the writer copies that remainder itself after its next commit, a copy
  // and fsync of about one batch's pages; its next transaction then restarts the WAL. Without
  // this the thread would run after every commit, a few pages and an fsync at a time, until one
  // run happened to finish between two commits.
  static constexpr std::int64_t kRestartFrames = 16'000;
  static constexpr std::int64_t kCatchUpFrames = 128;
  static constexpr int kMaxRuns = 6;
  // Should the WAL still reach this many frames (the thread far behind, or readers holding it),
  // the writer checkpoints whatever is left after its commit, as SQLite would have.
  static constexpr std::int64_t kWriterCheckpointFrames = 32'000;

  enum class AfterCommit { nothing, wake_checkpointer, writer_checkpoints };
  enum class AfterRun { done, run_again, writer_catches_up };

  // Writer thread, after each commit, with the WAL's frame count (SQLite's WAL hook).
  AfterCommit committed(std::int64_t wal_frames);
  // Checkpointer thread, after its `run`-th successful run since it was woken (from 0), which
  // left `in_database` of the WAL's frames in the database file.
  AfterRun copied(int run, std::int64_t in_database);

 private:
  std::atomic<std::int64_t> wal_frames_{0};   // after the writer's last commit
  std::atomic<bool> catch_up_wanted_{false};  // the thread's request to the writer
  std::atomic<bool> all_copied_{false};       // a run left nothing: the WAL may start over
  std::int64_t frames_at_last_wake_ = 0;      // writer thread only
};

}  // namespace sa::store
