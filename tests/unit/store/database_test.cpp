#include "store/database.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "unit/store/store_test_support.hpp"

namespace sa::store {
namespace {

using test::query_int;

// Waits (up to 20 s) until the Database has run `count` checkpoints; returns how many it has.
std::uint64_t wait_for_checkpoints(Database& db, std::uint64_t count) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (db.stats().checkpoints < count && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return db.stats().checkpoints;
}

Database::WriteFn insert(std::int64_t id) {
  return [id](Connection& conn) {
    return conn.prepare("INSERT INTO items(id, v) VALUES (?, 'x')").bind(1, id).run();
  };
}

// Holds the writer thread inside a write op until released, so the test decides what is queued
// behind it. The op owns what it touches, so the gate may die while the op is still returning.
class WriterGate {
 public:
  explicit WriterGate(Database& db) {
    auto entered = std::make_shared<std::promise<void>>();
    auto has_entered = entered->get_future();
    db.write(
        [entered, released = released_](Connection&) {
          entered->set_value();
          released.wait();
          return StoreStatus::ok;
        },
        nullptr);
    has_entered.wait();
  }
  void release() { release_.set_value(); }

 private:
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

// Counts DoneFn calls down to zero.
class Countdown {
 public:
  explicit Countdown(int n) : remaining_(n) {}
  void arrive() {
    if (remaining_.fetch_sub(1) == 1) all_.set_value();
  }
  void wait() { done_.wait(); }

 private:
  std::atomic<int> remaining_;
  std::promise<void> all_;
  std::future<void> done_ = all_.get_future();
};

TEST_CASE("connections run with WAL, synchronous=FULL, foreign keys and the busy timeout",
          "[store][database]") {
  test::TempDir dir;
  auto settings = test::settings_in(dir);
  settings.busy_timeout_ms = 1234;
  auto db = test::open_items_database(settings);
  auto pragmas = [](Connection& conn) {
    return std::vector<std::int64_t>{
        query_int(conn, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
        query_int(conn, "PRAGMA synchronous"), query_int(conn, "PRAGMA foreign_keys"),
        query_int(conn, "PRAGMA busy_timeout"), query_int(conn, "PRAGMA query_only")};
  };
  std::vector<std::int64_t> writer;
  REQUIRE(db->write_sync([&](Connection& conn) {
    writer = pragmas(conn);
    return StoreStatus::ok;
  }) == StoreStatus::ok);
  CHECK(writer == std::vector<std::int64_t>{1, 2, 1, 1234, 0});  // synchronous: 2 = FULL
  CHECK(db->read(pragmas) == std::vector<std::int64_t>{1, 2, 1, 1234, 1});
  CHECK(db->healthy());
}

TEST_CASE("concurrent writes are all committed and each done fires once, after the commit",
          "[store][database]") {
  test::TempDir dir;
  const auto settings = test::settings_in(dir);
  auto db = test::open_items_database(settings);
  auto outside = test::observer(settings.path);  // used on the writer thread only, in DoneFns

  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  constexpr int kWrites = kThreads * kPerThread;
  std::vector<std::atomic<int>> done_calls(kWrites);
  std::vector<std::atomic<StoreStatus>> statuses(kWrites);
  std::atomic<int> visible_when_done{0};
  Countdown all_done(kWrites);

  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = t * kPerThread; i < (t + 1) * kPerThread; ++i) {
        db->write(insert(i), [&, i](StoreStatus status) {
          statuses[i] = status;
          {
            auto stmt = outside->prepare("SELECT COUNT(*) FROM items WHERE id = ?");
            if (stmt.bind(1, std::int64_t{i}).step() && stmt.column_int64(0) == 1) {
              ++visible_when_done;
            }
          }  // released before arrive(): the test may tear `outside` down right after
          ++done_calls[i];
          all_done.arrive();
        });
      }
    });
  }
  for (auto& writer : writers) writer.join();
  all_done.wait();

  CHECK(visible_when_done == kWrites);
  for (int i = 0; i < kWrites; ++i) {
    CHECK(done_calls[i] == 1);
    CHECK(statuses[i] == StoreStatus::ok);
  }
  CHECK(query_int(*test::observer(settings.path), "SELECT COUNT(*) FROM items") == kWrites);
  CHECK(db->stats().ops == kWrites);
  CHECK(db->stats().commit_failures == 0);
}

TEST_CASE("writes queued while the writer is busy share one transaction", "[store][database]") {
  test::TempDir dir;
  auto settings = test::settings_in(dir);
  const int max_batch = GENERATE(512, 64);
  settings.max_batch = static_cast<std::uint32_t>(max_batch);
  auto db = test::open_items_database(settings);

  constexpr int kThreads = 8;
  constexpr int kPerThread = 20;
  Countdown all_done(kThreads * kPerThread);
  WriterGate gate(*db);
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        db->write(insert(t * kPerThread + i), [&](StoreStatus) { all_done.arrive(); });
      }
    });
  }
  for (auto& writer : writers) writer.join();
  gate.release();
  all_done.wait();

  const auto stats = db->stats();
  CHECK(stats.ops == 1 + kThreads * kPerThread);
  if (max_batch == 512) {
    CHECK(stats.batches == 2);  // the gate alone, then everything queued behind it
    CHECK(stats.largest_batch == kThreads * kPerThread);
  } else {
    CHECK(stats.batches == 1 + 3);  // 64 + 64 + 32
    CHECK(stats.largest_batch == 64);
  }
}

TEST_CASE("a producer thread holds the batch open until it is idle, for up to the window",
          "[store][database]") {
  test::TempDir dir;
  auto settings = test::settings_in(dir);
  // 1 s: far longer than any commit here, even under sanitizers on a loaded machine, so "not
  // held" (under half the window) and "held for the window" cannot be confused by a slow fsync.
  settings.group_commit_window_us = 1'000'000;
  constexpr auto kNotHeld = std::chrono::milliseconds(500);
  auto db = test::open_items_database(settings);
  using Clock = std::chrono::steady_clock;

  SECTION("no producer thread: a write is committed at once") {
    const auto start = Clock::now();
    REQUIRE(db->write_sync(insert(1)) == StoreStatus::ok);
    CHECK(Clock::now() - start < kNotHeld);
  }
  SECTION("a busy producer's writes wait for it to be idle, and are committed together") {
    std::promise<void> first_done, second_done;
    std::thread producer([&] {
      db->producer_idle();  // an I/O thread: it reports when it runs out of work
      db->write(insert(1), [&](StoreStatus) { first_done.set_value(); });
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // still handling requests
      db->write(insert(2), [&](StoreStatus) { second_done.set_value(); });
      CHECK(first_done.get_future().wait_for(std::chrono::milliseconds(0)) ==
            std::future_status::timeout);
      db->producer_idle();  // nothing more for now
    });
    const auto start = Clock::now();
    REQUIRE(second_done.get_future().wait_for(std::chrono::seconds(5)) ==
            std::future_status::ready);
    CHECK(Clock::now() - start < kNotHeld);
    producer.join();
    CHECK(db->stats().largest_batch == 2);
  }
  SECTION("a producer that stays busy is not waited for longer than the window") {
    std::promise<void> done;
    std::promise<void> release;
    std::thread producer([&] {
      db->producer_idle();
      db->write(insert(1), [&](StoreStatus) { done.set_value(); });
      release.get_future().wait();  // busy until the test ends: never idle again
    });
    const auto start = Clock::now();
    REQUIRE(done.get_future().wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    CHECK(Clock::now() - start >= std::chrono::milliseconds(900));
    release.set_value();
    producer.join();
  }
  SECTION("a producer waiting for its own write, or another thread's write, is not held") {
    const auto start = Clock::now();
    std::thread([&] {
      db->producer_idle();
      REQUIRE(db->write_sync(insert(1)) == StoreStatus::ok);  // waiting: it adds nothing more
    }).join();
    REQUIRE(db->write_sync(insert(2)) == StoreStatus::ok);  // the producers are idle
    CHECK(Clock::now() - start < kNotHeld);
  }
}

TEST_CASE("a failing write in a batch leaves the others committed", "[store][database]") {
  test::TempDir dir;
  const auto settings = test::settings_in(dir);
  auto db = test::open_items_database(settings);

  std::vector<std::pair<std::string, Database::WriteFn>> ops = {
      {"ok", insert(1)},
      {"not_found",
       [](Connection& conn) {
         insert(2)(conn);
         return StoreStatus::not_found;
       }},
      {"throws",
       [](Connection& conn) -> StoreStatus {
         insert(3)(conn);
         throw std::runtime_error("bug");
       }},
      {"duplicate", insert(1)},
      {"bad SQL",
       [](Connection& conn) { return conn.prepare("INSERT INTO nowhere VALUES (1)").run(); }},
      {"ok too", insert(4)},
  };
  std::vector<StoreStatus> statuses(ops.size(), StoreStatus::closed);
  Countdown all_done(static_cast<int>(ops.size()));
  {
    WriterGate gate(*db);
    for (std::size_t i = 0; i < ops.size(); ++i) {
      db->write(ops[i].second, [&, i](StoreStatus status) {
        statuses[i] = status;
        all_done.arrive();
      });
    }
    gate.release();
  }
  all_done.wait();

  CHECK(db->stats().largest_batch == ops.size());  // they really shared a transaction
  CHECK(statuses == std::vector<StoreStatus>{StoreStatus::ok, StoreStatus::not_found,
                                             StoreStatus::io_error, StoreStatus::conflict,
                                             StoreStatus::io_error, StoreStatus::ok});
  auto conn = test::observer(settings.path);
  CHECK(query_int(*conn, "SELECT group_concat(id, '') FROM (SELECT id FROM items ORDER BY id)") ==
        14);
}

// Runs the ops as one batch (queued behind a gate) and returns their statuses.
std::vector<StoreStatus> run_as_one_batch(Database& db, const std::vector<Database::WriteFn>& ops) {
  std::vector<StoreStatus> statuses(ops.size(), StoreStatus::closed);
  Countdown all_done(static_cast<int>(ops.size()));
  {
    WriterGate gate(db);
    for (std::size_t i = 0; i < ops.size(); ++i) {
      db.write(ops[i], [&, i](StoreStatus status) {
        statuses[i] = status;
        all_done.arrive();
      });
    }
    gate.release();
  }
  all_done.wait();
  return statuses;
}

// insert(id), counting its runs.
Database::WriteFn counted_insert(std::int64_t id, std::shared_ptr<std::atomic<int>> runs) {
  return [id, runs](Connection& conn) {
    ++*runs;
    return insert(id)(conn);
  };
}

TEST_CASE("a batch whose writes all succeed runs each write once, without a SAVEPOINT each",
          "[store][database]") {
  test::TempDir dir;
  const auto settings = test::settings_in(dir);
  auto db = test::open_items_database(settings);
  auto runs = std::make_shared<std::atomic<int>>(0);
  // Inside a write's own SAVEPOINT, RELEASE of that name would succeed; run whole, there is none.
  auto no_savepoint = [](Connection& conn) {
    return conn.run("RELEASE \"op\"") == StoreStatus::ok ? StoreStatus::constraint
                                                         : insert(3)(conn);
  };
  const auto statuses =
      run_as_one_batch(*db, {counted_insert(1, runs), no_savepoint, counted_insert(2, runs)});
  CHECK(statuses == std::vector<StoreStatus>(3, StoreStatus::ok));
  CHECK(*runs == 2);
  CHECK(db->stats().reruns == 0);
  CHECK(query_int(*test::observer(settings.path), "SELECT COUNT(*) FROM items") == 3);
}

TEST_CASE("a failing write sends its batch back to run write by write, and the next ones too",
          "[store][database]") {
  test::TempDir dir;
  const auto settings = test::settings_in(dir);
  auto db = test::open_items_database(settings);
  auto runs = std::make_shared<std::atomic<int>>(0);
  // What a WriteFn leaves outside the database is assigned, so the last run's stands.
  auto outcome = std::make_shared<std::string>();
  auto half_done = [outcome](Connection& conn) {
    *outcome = "inserted 20, then failed";
    insert(20)(conn);
    return StoreStatus::not_found;
  };
  auto statuses =
      run_as_one_batch(*db, {counted_insert(10, runs), half_done, counted_insert(11, runs)});
  CHECK(statuses ==
        std::vector<StoreStatus>{StoreStatus::ok, StoreStatus::not_found, StoreStatus::ok});
  // The first ran before the failure and again; the last ran only in the second pass.
  CHECK(*runs == 3);
  CHECK(*outcome == "inserted 20, then failed");
  CHECK(db->stats().reruns == 1);
  auto observer = test::observer(settings.path);
  CHECK(query_int(*observer, "SELECT group_concat(id, ',') = '10,11' FROM items") == 1);

  // The next batch runs write by write from the start: a failure in it costs no second pass.
  runs->store(0);
  statuses = run_as_one_batch(*db, {counted_insert(12, runs), insert(10)});
  CHECK(statuses == std::vector<StoreStatus>{StoreStatus::ok, StoreStatus::conflict});
  CHECK(*runs == 1);
  CHECK(db->stats().reruns == 1);
  CHECK(query_int(*observer, "SELECT COUNT(*) FROM items") == 3);
}

TEST_CASE("write_counting tells how many rows its write changed, once committed",
          "[store][database]") {
  test::TempDir dir;
  auto db = test::open_items_database(test::settings_in(dir));
  for (int id = 1; id <= 5; ++id) REQUIRE(db->write_sync(insert(id)) == StoreStatus::ok);
  auto counted = [&db](Database::WriteFn fn) {
    std::promise<std::pair<StoreStatus, std::uint64_t>> answer;
    db->write_counting(std::move(fn), [&answer](StoreStatus status, std::uint64_t rows) {
      answer.set_value({status, rows});
    });
    return answer.get_future().get();
  };
  CHECK(counted([](Connection& conn) {
          return conn.prepare("DELETE FROM items WHERE id <= 3").run();
        }) == std::pair{StoreStatus::ok, std::uint64_t{3}});
  // Undone: nothing was changed.
  CHECK(counted([](Connection& conn) {
          conn.prepare("DELETE FROM items").run();
          return StoreStatus::conflict;
        }) == std::pair{StoreStatus::conflict, std::uint64_t{0}});
  CHECK(db->read([](Connection& conn) { return query_int(conn, "SELECT COUNT(*) FROM items"); }) ==
        2);
}

TEST_CASE("the WAL is checkpointed by a thread of its own, not by the committing writer",
          "[store][database]") {
  test::TempDir dir;
  const auto settings = test::settings_in(dir);
  auto db = test::open_items_database(settings);
  const auto db_file_bytes = [&] { return std::filesystem::file_size(settings.path); };
  const auto before = db_file_bytes();
  // One commit of some 5,000 pages: past CheckpointPolicy::kCheckpointFrames, short of its
  // kWriterCheckpointFrames.
  REQUIRE(db->write_sync([](Connection& conn) { return test::insert_rows(conn, 1001, 5000); }) ==
          StoreStatus::ok);
  // Counted only by the checkpointer thread: with SQLite's automatic checkpoint (inside the
  // writer's COMMIT) the count would stay 0.
  CHECK(wait_for_checkpoints(*db, 1) >= 1);
  CHECK(db_file_bytes() > before + 5000 * 3000);  // the pages are in the database file now
  CHECK(query_int(*test::observer(settings.path), "SELECT COUNT(*) FROM items") == 5000);
}

TEST_CASE("once the WAL is long, the writer copies its last pages and the WAL starts over",
          "[store][database][checkpoint]") {
  // CheckpointPolicy, as Database follows it: SQLite starts the WAL over only once all of it is
  // in the database file. Past kRestartFrames, with little left after the thread's run, the
  // writer copies the rest after its next commit, and the transaction after that starts over.
  // Readers stand in for the commits that arrive while the thread copies.
  test::TempDir dir;
  const auto settings = test::settings_in(dir);
  auto db = test::open_items_database(settings);
  std::int64_t next_id = 1;
  const auto commit = [&](std::int64_t rows) {  // a page a row
    const std::int64_t first = next_id;
    next_id += rows;
    return db->write_sync(
        [first, rows](Connection& conn) { return test::insert_rows(conn, first, rows); });
  };
  const auto reader = test::observer(settings.path);
  const auto hold = [&] {  // a read transaction: no checkpoint copies past where it began
    REQUIRE(reader->exec("BEGIN") == StoreStatus::ok);
    REQUIRE(query_int(*reader, "SELECT COUNT(*) FROM items") == next_id - 1);
  };
  const auto release = [&] { REQUIRE(reader->exec("COMMIT") == StoreStatus::ok); };
  using Policy = CheckpointPolicy;
  static_assert(4 * (Policy::kCheckpointFrames + 100) > Policy::kRestartFrames);

  REQUIRE(commit(1) == StoreStatus::ok);
  const auto first = test::wal_generation(settings.path);
  // A reader keeps the WAL from being copied while it grows past kRestartFrames: each commit
  // (a page a row) wakes the thread, whose runs copy nothing; after the fourth it tries
  // kMaxRuns times.
  hold();
  for (std::uint64_t wake = 1; wake <= 4; ++wake) {
    REQUIRE(commit(Policy::kCheckpointFrames + 100) == StoreStatus::ok);
    const std::uint64_t runs = wake < 4 ? wake : 3 + Policy::kMaxRuns;
    REQUIRE(wait_for_checkpoints(*db, runs) == runs);
  }
  release();
  // Just short of the next wake; then a reader where the WAL ends, and a commit of 60 pages that
  // wakes the thread. Its run copies all but those 60: the writer's to copy.
  REQUIRE(commit(Policy::kCheckpointFrames - 50) == StoreStatus::ok);
  hold();
  REQUIRE(commit(60) == StoreStatus::ok);
  const std::uint64_t thread_runs = 4 + Policy::kMaxRuns;
  REQUIRE(wait_for_checkpoints(*db, thread_runs) == thread_runs);
  release();
  CHECK(test::wal_generation(settings.path) == first);
  // The writer copies the rest after this commit...
  REQUIRE(commit(1) == StoreStatus::ok);
  CHECK(db->stats().checkpoints == thread_runs + 1);
  CHECK(test::wal_generation(settings.path) == first);
  // ...so that this transaction writes the WAL from its start again.
  REQUIRE(commit(1) == StoreStatus::ok);
  CHECK(test::wal_generation(settings.path) != first);
  CHECK(db->stats().checkpoints == thread_runs + 1);
  CHECK(query_int(*test::observer(settings.path), "SELECT COUNT(*) FROM items") == next_id - 1);
}

TEST_CASE("write_sync returns once the write is committed", "[store][database]") {
  test::TempDir dir;
  const auto settings = test::settings_in(dir);
  auto db = test::open_items_database(settings);
  REQUIRE(db->write_sync(insert(7)) == StoreStatus::ok);
  CHECK(query_int(*test::observer(settings.path), "SELECT COUNT(*) FROM items") == 1);
  CHECK(db->write_sync(insert(7)) == StoreStatus::conflict);
}

TEST_CASE("close commits what is queued and refuses later writes", "[store][database]") {
  test::TempDir dir;
  const auto settings = test::settings_in(dir);
  auto db = test::open_items_database(settings);

  constexpr int kQueued = 100;
  std::vector<StoreStatus> statuses(kQueued, StoreStatus::closed);
  auto gate = std::make_unique<WriterGate>(*db);
  for (int i = 0; i < kQueued; ++i) {
    db->write(insert(i), [&statuses, i](StoreStatus status) { statuses[i] = status; });
  }
  auto closing = std::async(std::launch::async, [&] { db->close(); });
  // healthy() turns false as soon as close() has stopped accepting writes; the writer is still
  // held by the gate, so all 100 writes are pending at that moment.
  while (db->healthy()) std::this_thread::yield();
  gate->release();
  closing.get();

  CHECK(statuses == std::vector<StoreStatus>(kQueued, StoreStatus::ok));
  CHECK(query_int(*test::observer(settings.path), "SELECT COUNT(*) FROM items") == kQueued);

  StoreStatus late = StoreStatus::ok;
  db->write(insert(1000), [&late](StoreStatus status) { late = status; });
  CHECK(late == StoreStatus::closed);
  CHECK(db->write_sync(insert(1001)) == StoreStatus::closed);
  CHECK_FALSE(db->healthy());
  CHECK(db->read([](Connection& conn) { return query_int(conn, "SELECT COUNT(*) FROM items"); }) ==
        kQueued);
  db->close();  // idempotent
}

TEST_CASE("reads do not wait for an open write transaction", "[store][database]") {
  test::TempDir dir;
  const auto settings = test::settings_in(dir);
  auto db = test::open_items_database(settings);
  std::promise<void> inserted;
  std::promise<void> release;
  auto released = release.get_future();
  db->write(
      [&](Connection& conn) {
        const StoreStatus status = insert(1)(conn);
        inserted.set_value();
        released.wait();
        return status;
      },
      nullptr);
  inserted.get_future().wait();

  auto count = std::async(std::launch::async, [&] {
    return db->read([](Connection& conn) { return query_int(conn, "SELECT COUNT(*) FROM items"); });
  });
  // A generous bound that only matters if reads do block; then the test fails instead of hanging.
  const bool answered = count.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  release.set_value();
  REQUIRE(answered);
  CHECK(count.get() == 0);  // the uncommitted row is invisible

  REQUIRE(db->write_sync([](Connection&) { return StoreStatus::ok; }) == StoreStatus::ok);
  CHECK(db->read([](Connection& conn) { return query_int(conn, "SELECT COUNT(*) FROM items"); }) ==
        1);
}

TEST_CASE("a read connection refuses writes", "[store][database]") {
  test::TempDir dir;
  auto db = test::open_items_database(test::settings_in(dir));
  CHECK(db->read([](Connection& conn) { return conn.exec("INSERT INTO items VALUES (1, 'x')"); }) ==
        StoreStatus::io_error);
}

TEST_CASE("open refuses settings it cannot honour", "[store][database]") {
  test::TempDir dir;
  auto settings = test::settings_in(dir);
  SECTION("an in-memory database") {
    settings.path = ":memory:";
    CHECK_THAT(Database::open(settings).error(), Catch::Contains("must name a database file"));
  }
  SECTION("no read connections") {
    settings.read_connections = 0;
    CHECK_THAT(Database::open(settings).error(), Catch::Contains("read_connections"));
  }
  SECTION("a directory that cannot be created") {
    settings.path = dir.file("test.db") + "/under/a/file.db";
    REQUIRE(Database::open(test::settings_in(dir)));  // creates test.db as a file
    CHECK_THAT(Database::open(settings).error(), Catch::Contains("cannot create directory"));
  }
}

}  // namespace
}  // namespace sa::store

namespace sa::store {

TEST_CASE("the database file is readable by its owner only: it holds private signing keys",
          "[store][database][security]") {
  test::TempDir dir;
  auto settings = test::settings_in(dir);
  auto db = test::open_items_database(settings);
  REQUIRE(test::wait_for_done([&](DoneFn done) { db->write(insert(1), std::move(done)); }) ==
          StoreStatus::ok);
  for (const std::string suffix : {"", "-wal"}) {
    INFO(suffix);
    auto perms = std::filesystem::status(settings.path + suffix).permissions();
    REQUIRE((perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
            std::filesystem::perms::none);
  }
}

}  // namespace sa::store
