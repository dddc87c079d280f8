#include "store/purge_chain.hpp"

#include <utility>

namespace sa::store {

PurgeChain::PurgeChain(SliceFn slice, std::uint32_t batch, std::uint32_t max_slices,
                       PurgedFn report)
    : state_(std::make_shared<State>()) {
  state_->slice = std::move(slice);
  state_->batch = batch;
  state_->max_slices = max_slices;
  state_->report = std::move(report);
}

void PurgeChain::start() {
  if (state_->max_slices == 0 || state_->running.exchange(true)) return;
  run(state_, state_->max_slices);
}

void PurgeChain::run(const std::shared_ptr<State>& state, std::uint32_t slices_left) {
  state->slice(state->batch, [state, slices_left](StoreStatus status, std::uint64_t rows) {
    if (state->report) state->report(status, rows);
    // A full slice: more rows may be expired. A failed one (disk full, closed): try next start.
    if (status == StoreStatus::ok && rows >= state->batch && slices_left > 1) {
      run(state, slices_left - 1);
      return;
    }
    state->running = false;
  });
}

}  // namespace sa::store
