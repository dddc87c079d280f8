#include "store/checkpoint_policy.hpp"

#include <catch2/catch.hpp>

namespace sa::store {
namespace {

using AfterCommit = CheckpointPolicy::AfterCommit;
using AfterRun = CheckpointPolicy::AfterRun;
constexpr auto kEvery = CheckpointPolicy::kCheckpointFrames;
constexpr auto kRestart = CheckpointPolicy::kRestartFrames;

TEST_CASE("the checkpointer is woken each time commits add kCheckpointFrames to the WAL",
          "[store][checkpoint]") {
  CheckpointPolicy policy;
  CHECK(policy.committed(45) == AfterCommit::nothing);
  CHECK(policy.committed(kEvery - 1) == AfterCommit::nothing);
  CHECK(policy.committed(kEvery + 40) == AfterCommit::wake_checkpointer);
  // Not after every commit past the line (the run is still copying): after the next 4,000.
  CHECK(policy.committed(kEvery + 85) == AfterCommit::nothing);
  CHECK(policy.committed(2 * kEvery + 39) == AfterCommit::nothing);
  CHECK(policy.committed(2 * kEvery + 40) == AfterCommit::wake_checkpointer);
  // The writer restarted the WAL: counted from its start again.
  CHECK(policy.committed(45) == AfterCommit::nothing);
  CHECK(policy.committed(kEvery) == AfterCommit::wake_checkpointer);
}

TEST_CASE("a short WAL is not caught up: one run per wake", "[store][checkpoint]") {
  CheckpointPolicy policy;
  REQUIRE(policy.committed(kEvery + 10) == AfterCommit::wake_checkpointer);
  REQUIRE(policy.committed(kEvery + 900) == AfterCommit::nothing);
  // 890 frames arrived during the run; the WAL is short of kRestartFrames.
  CHECK(policy.copied(0, kEvery + 10) == AfterRun::done);
  CHECK(policy.committed(kEvery + 945) == AfterCommit::nothing);
}

TEST_CASE("past kRestartFrames the thread copies again, then the writer copies the rest once",
          "[store][checkpoint]") {
  CheckpointPolicy policy;
  REQUIRE(policy.committed(kRestart + 10) == AfterCommit::wake_checkpointer);
  REQUIRE(policy.committed(kRestart + 1'400) == AfterCommit::nothing);
  CHECK(policy.copied(0, kRestart + 10) == AfterRun::run_again);  // 1,390 left
  REQUIRE(policy.committed(kRestart + 1'500) == AfterCommit::nothing);
  CHECK(policy.copied(1, kRestart + 1'400) == AfterRun::writer_catches_up);  // 100 left
  // The writer's next commit copies, once; its next transaction restarted the WAL.
  CHECK(policy.committed(kRestart + 1'545) == AfterCommit::writer_checkpoints);
  CHECK(policy.committed(45) == AfterCommit::nothing);
  CHECK(policy.committed(90) == AfterCommit::nothing);
  CHECK(policy.committed(kEvery) == AfterCommit::wake_checkpointer);
}

TEST_CASE("a run that copied everything starts the count over, whatever the next commit holds",
          "[store][checkpoint]") {
  // The next transaction restarts the WAL, and one large commit may then leave it with as many
  // frames as before: not a sign of a restart, but still a WAL to copy.
  CheckpointPolicy policy;
  REQUIRE(policy.committed(kEvery + 100) == AfterCommit::wake_checkpointer);
  CHECK(policy.copied(0, kEvery + 100) == AfterRun::done);
  CHECK(policy.committed(kEvery + 101) == AfterCommit::wake_checkpointer);
  // Likewise when the WAL restarted before the run reported back.
  CHECK(policy.copied(0, kEvery + 101) == AfterRun::done);
  CHECK(policy.committed(45) == AfterCommit::nothing);
  CHECK(policy.copied(0, kEvery + 101) == AfterRun::done);
  CHECK(policy.committed(kEvery) == AfterCommit::wake_checkpointer);
}

TEST_CASE("the thread gives up after kMaxRuns runs, and a restarted WAL needs no catching up",
          "[store][checkpoint]") {
  CheckpointPolicy policy;
  REQUIRE(policy.committed(kRestart) == AfterCommit::wake_checkpointer);
  REQUIRE(policy.committed(kRestart + 3'000) == AfterCommit::nothing);
  for (int run = 0; run + 1 < CheckpointPolicy::kMaxRuns; ++run) {
    CHECK(policy.copied(run, kRestart) == AfterRun::run_again);
  }
  CHECK(policy.copied(CheckpointPolicy::kMaxRuns - 1, kRestart) == AfterRun::done);
  // The WAL restarted after the run copied (the writer's own checkpoint, say): fewer frames in it
  // than the run left in the database file.
  REQUIRE(policy.committed(CheckpointPolicy::kWriterCheckpointFrames) ==
          AfterCommit::writer_checkpoints);
  REQUIRE(policy.committed(90) == AfterCommit::nothing);
  CHECK(policy.copied(0, kRestart + 3'000) == AfterRun::done);
  CHECK(policy.committed(135) == AfterCommit::nothing);
}

TEST_CASE("the writer checkpoints by itself at kWriterCheckpointFrames", "[store][checkpoint]") {
  CheckpointPolicy policy;
  CHECK(policy.committed(CheckpointPolicy::kWriterCheckpointFrames - 1) ==
        AfterCommit::wake_checkpointer);
  CHECK(policy.committed(CheckpointPolicy::kWriterCheckpointFrames) ==
        AfterCommit::writer_checkpoints);
  CHECK(policy.committed(CheckpointPolicy::kWriterCheckpointFrames + 45) ==
        AfterCommit::writer_checkpoints);
}

}  // namespace
}  // namespace sa::store
