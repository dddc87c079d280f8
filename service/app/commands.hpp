// The core commands of the smart-auth binary: serve (the default), check-config, migrate,
// rotate-keys, hash-password and bench-mint (benchmarks only, app/bench_mint.hpp). Each parses
// its own flags (app/cli.hpp), loads the config itself (hash-password needs none) and returns
// the process exit code (cli::kOk, kFailed, kBadUsage). The operator commands on the database
// are in ops_*.hpp.
#pragma once

#include <span>
#include <string>

namespace sa::app {

int serve_command(std::span<const std::string> args);
int check_config_command(std::span<const std::string> args);
int migrate_command(std::span<const std::string> args);
int rotate_keys_command(std::span<const std::string> args);
int hash_password_command(std::span<const std::string> args);
int bench_mint_command(std::span<const std::string> args);

}  // namespace sa::app
