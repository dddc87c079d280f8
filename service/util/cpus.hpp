// How many CPUs this process may run on: the affinity mask (taskset, cgroup cpusets), not the
// machine's core count, so a server pinned to one core starts one I/O thread, not one per core.
#pragma once

namespace sa {

// At least 1.
unsigned usable_cpus();

}  // namespace sa
