#include "store/purge_chain.hpp"

#include <catch2/catch.hpp>
#include <deque>
#include <utility>
#include <vector>

namespace sa::store {
namespace {

// A store whose slices delete what the test scripts, answering at once or when told to.
struct FakeSlices {
  std::deque<std::pair<StoreStatus, std::uint64_t>> answers;
  std::vector<std::uint32_t> limits;  // one per slice asked for
  bool answer_later = false;
  PurgedFn pending;

  PurgeChain::SliceFn slice() {
    return [this](std::uint32_t limit, PurgedFn done) {
      limits.push_back(limit);
      if (answer_later) {
        pending = std::move(done);
        return;
      }
      answer(std::move(done));
    };
  }
  void answer(PurgedFn done) {
    auto [status, rows] =
        answers.empty() ? std::pair{StoreStatus::ok, std::uint64_t{0}} : answers.front();
    if (!answers.empty()) answers.pop_front();
    done(status, rows);
  }
};

TEST_CASE("a purge chain slices again at once while slices come back full", "[store][purge]") {
  FakeSlices store;
  store.answers = {{StoreStatus::ok, 100}, {StoreStatus::ok, 100}, {StoreStatus::ok, 30}};
  std::uint64_t reported = 0;
  PurgeChain chain(store.slice(), 100, 16,
                   [&](StoreStatus, std::uint64_t rows) { reported += rows; });
  chain.start();
  CHECK(store.limits == std::vector<std::uint32_t>{100, 100, 100});
  CHECK(reported == 230);
  chain.start();  // the last one was not full: one slice, which finds nothing
  CHECK(store.limits.size() == 4);
}

TEST_CASE("a purge chain runs at most max_slices per start", "[store][purge]") {
  FakeSlices store;
  for (int i = 0; i < 10; ++i) store.answers.push_back({StoreStatus::ok, 50});
  PurgeChain chain(store.slice(), 50, 4);
  chain.start();
  CHECK(store.limits.size() == 4);
  chain.start();  // the backlog goes on at the next start
  CHECK(store.limits.size() == 8);
}

TEST_CASE("a failed slice ends the chain until the next start", "[store][purge]") {
  FakeSlices store;
  store.answers = {{StoreStatus::ok, 10}, {StoreStatus::io_error, 0}, {StoreStatus::ok, 10}};
  std::vector<StoreStatus> reported;
  PurgeChain chain(store.slice(), 10, 16,
                   [&](StoreStatus status, std::uint64_t) { reported.push_back(status); });
  chain.start();
  CHECK(reported == std::vector<StoreStatus>{StoreStatus::ok, StoreStatus::io_error});
  chain.start();
  CHECK(reported.size() == 4);  // the full slice of 10, then an empty one
}

TEST_CASE("a purge chain does not start twice while a slice is pending", "[store][purge]") {
  FakeSlices store;
  store.answer_later = true;
  PurgeChain chain(store.slice(), 10, 16);
  chain.start();
  chain.start();
  CHECK(store.limits.size() == 1);
  store.answer_later = false;
  store.answer(std::move(store.pending));  // answers 0 rows: the chain ends
  chain.start();
  CHECK(store.limits.size() == 2);
}

}  // namespace
}  // namespace sa::store
