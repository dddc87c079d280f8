// Drives the purge of one kind of expired row. Each start() runs a slice of at most `batch`
// rows, and at once another while a slice comes back full (more may be waiting), up to
// `max_slices` slices; the next start() goes on from there. So a flow of expiries far above
// `batch` per start is kept up with (up to batch * max_slices), while each slice is still one
// short write, and the next is queued only once it has committed: a batch of other writes
// (requests) waits for one slice at most.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "store/status.hpp"

namespace sa::store {

class PurgeChain {
 public:
  // Queues the write that deletes at most `limit` expired rows, then calls done with how many it
  // deleted (a store's delete_expired through Database::write_counting).
  using SliceFn = std::function<void(std::uint32_t limit, PurgedFn done)>;

  // `report` is told of every slice's outcome (for metrics), on the thread the slice's done runs
  // on.
  PurgeChain(SliceFn slice, std::uint32_t batch, std::uint32_t max_slices, PurgedFn report = {});

  // Starts a chain of slices, unless the last one is still running. Thread-safe. The chain holds
  // its own state, so it may outlive this object; what `slice` uses must outlive the chain (the
  // store's Database closes first, answering every queued write).
  void start();

 private:
  struct State {
    SliceFn slice;
    std::uint32_t batch;
    std::uint32_t max_slices;
    PurgedFn report;
    std::atomic<bool> running{false};
  };
  static void run(const std::shared_ptr<State>& state, std::uint32_t slices_left);

  std::shared_ptr<State> state_;
};

}  // namespace sa::store
