// The commands of the smart-auth binary: serve, check-config, rotate-keys, hash-password. Each
// loads the config itself (hash-password needs none) and returns the process exit code (0 ok,
// 1 runtime failure, 2 bad config).
#pragma once

#include <string>

namespace sa::app {

enum class Command { serve, check_config, rotate_keys, hash_password };

struct Options {
  Command command = Command::serve;
  std::string config_path = "config/smart-auth.yaml";
  std::string ready_file;  // serve: written (atomically) once every listener is bound
};

int run(const Options& options);

}  // namespace sa::app
