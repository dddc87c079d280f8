#include "store/checkpoint_policy.hpp"

namespace sa::store {

namespace {

bool take(std::atomic<bool>& flag) {
  return flag.load(std::memory_order_relaxed) && flag.exchange(false, std::memory_order_relaxed);
}

}  // namespace

CheckpointPolicy::AfterCommit CheckpointPolicy::committed(std::int64_t wal_frames) {
  wal_frames_.store(wal_frames, std::memory_order_relaxed);
  // Once everything is copied, the next transaction may have started the WAL over: count from
  // its start again (at worst one early wake). Fewer frames than at the last wake say so too.
  if (take(all_copied_) || wal_frames < frames_at_last_wake_) frames_at_last_wake_ = 0;
  if (take(catch_up_wanted_) || wal_frames >= kWriterCheckpointFrames) {
    frames_at_last_wake_ = 0;  // the writer's checkpoint copies everything a reader allows
    return AfterCommit::writer_checkpoints;
  }
  if (wal_frames - frames_at_last_wake_ < kCheckpointFrames) return AfterCommit::nothing;
  frames_at_last_wake_ = wal_frames;
  return AfterCommit::wake_checkpointer;
}

CheckpointPolicy::AfterRun CheckpointPolicy::copied(int run, std::int64_t in_database) {
  const std::int64_t in_wal = wal_frames_.load(std::memory_order_relaxed);
  // All of it (or more than the WAL now holds: it has started over since): nothing to catch up.
  if (in_database >= in_wal) {
    all_copied_.store(true, std::memory_order_relaxed);
    return AfterRun::done;
  }
  if (in_wal < kRestartFrames) return AfterRun::done;
  if (in_wal - in_database <= kCatchUpFrames) {
    catch_up_wanted_.store(true, std::memory_order_relaxed);
    return AfterRun::writer_catches_up;
  }
  return run + 1 < kMaxRuns ? AfterRun::run_again : AfterRun::done;
}

}  // namespace sa::store
