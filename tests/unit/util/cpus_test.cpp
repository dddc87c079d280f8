#include <catch2/catch.hpp>

#include <sched.h>

#include <thread>

#include "util/cpus.hpp"

TEST_CASE("usable CPUs follow the affinity mask, not the machine's core count", "[util]") {
  // Issue 6 §4: a server pinned with taskset to one core must start one I/O thread.
  std::thread([] {
    cpu_set_t original;
    CPU_ZERO(&original);
    REQUIRE(sched_getaffinity(0, sizeof(original), &original) == 0);
    int first = -1;
    for (int i = 0; i < CPU_SETSIZE && first < 0; ++i) {
      if (CPU_ISSET(i, &original)) first = i;
    }
    REQUIRE(first >= 0);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    REQUIRE(sched_setaffinity(0, sizeof(one), &one) == 0);  // this thread only
    CHECK(sa::usable_cpus() == 1);
  }).join();
  CHECK(sa::usable_cpus() >= 1);
}
