// smart-auth entry point: picks the subcommand and hands it the rest of the command line. Each
// subcommand parses its own flags and answers --help; see kUsage for the list. With no
// subcommand (or only flags) it serves, so `smart-auth [--config PATH] [--ready-file PATH]` and
// the older `smart-auth --check-config PATH` keep working.
#include <algorithm>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "app/ops_backup.hpp"
#include "app/ops_clients.hpp"
#include "app/ops_healthcheck.hpp"
#include "app/ops_tokens.hpp"
#include "obs/log.hpp"

namespace {

constexpr const char* kUsage =
    "usage: smart-auth [COMMAND] [--help] [FLAGS]\n"
    "  serve          run the server (the default): [--config PATH] [--ready-file PATH]\n"
    "  check-config   validate the config: [--config PATH] (also: --check-config PATH)\n"
    "  migrate        apply pending database migrations and report the schema version\n"
    "  rotate-keys    new active signing keys; old public keys stay in the JWKS\n"
    "  hash-password  argon2id hash of a password read from stdin\n"
    "  client         add | list | show | update | remove clients in the database\n"
    "  token          revoke --client ID | --user ID: end every grant and token of one\n"
    "  backup PATH    consistent copy of the database, also while the server runs\n"
    "  restore PATH   replace the database with a backup (server stopped)\n"
    "  healthcheck    GET /healthz over verified HTTPS; exit 0 only on 200\n"
    "  bench-mint     benchmarks only: mint codes or refresh tokens (server stopped)\n"
    "  --version      print the version\n"
    "Every command takes --config PATH (default config/smart-auth.yaml) unless noted, and\n"
    "--help. Exit codes: 0 ok, 1 the command failed, 2 bad usage or a config that does not load.\n";

using CommandFn = int (*)(std::span<const std::string>);

struct Subcommand {
  std::string_view name;
  CommandFn run;
};

constexpr Subcommand kCommands[] = {
    {"serve", sa::app::serve_command},
    {"check-config", sa::app::check_config_command},
    {"migrate", sa::app::migrate_command},
    {"rotate-keys", sa::app::rotate_keys_command},
    {"hash-password", sa::app::hash_password_command},
    {"client", sa::app::client_command},
    {"token", sa::app::token_command},
    {"backup", sa::app::backup_command},
    {"restore", sa::app::restore_command},
    {"healthcheck", sa::app::healthcheck_command},
    {"bench-mint", sa::app::bench_mint_command},
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "--version") {
    std::printf("smart-auth %s\n", SMART_AUTH_VERSION);
    return sa::app::cli::kOk;
  }
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    std::printf("%s", kUsage);
    return sa::app::cli::kOk;
  }
  // The older flag-only forms: `--check-config PATH` is check-config --config PATH; any other
  // list of flags is serve's.
  if (args.empty() || args[0].starts_with("-")) {
    auto legacy = std::find(args.begin(), args.end(), "--check-config");
    if (legacy != args.end()) {
      *legacy = "--config";
      return sa::app::check_config_command(args);
    }
    return sa::app::serve_command(args);
  }
  const std::string& name = args[0];
  const std::span<const std::string> rest(args.data() + 1, args.size() - 1);
  for (const Subcommand& command : kCommands) {
    if (command.name != name) continue;
    // Only serve logs to stdout (the service's log stream); the others keep stdout for what
    // they print to the operator or a script.
    if (name != "serve") sa::obs::log_to_stderr();
    return command.run(rest);
  }
  std::fprintf(stderr, "smart-auth: unknown command %s\n%s", name.c_str(), kUsage);
  return sa::app::cli::kBadUsage;
}
