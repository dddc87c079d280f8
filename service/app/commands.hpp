// The commands of the smart-auth binary: serve, check-config, rotate-keys, hash-password and
// bench-mint (benchmarks only, app/bench_mint.hpp). Each loads the config itself (hash-password
// needs none) and returns the process exit code (0 ok, 1 runtime failure, 2 bad config).
#pragma once

#include <string>

#include "app/bench_mint.hpp"

namespace sa::app {

enum class Command { serve, check_config, rotate_keys, hash_password, bench_mint };

struct Options {
  Command command = Command::serve;
  std::string config_path = "config/smart-auth.yaml";
  std::string ready_file;  // serve: written (atomically) once every listener is bound
  BenchMintOptions bench_mint;
};

int run(const Options& options);

}  // namespace sa::app
