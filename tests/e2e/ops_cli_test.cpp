// The smart-auth command line (issue 9 "Operator commands"): every subcommand answers --help
// with its usage and exit 0, names a bad argument with exit 2, the flag-only forms of before
// still serve and check the config, migrate reports what it applied, and hash-password reads
// stdin.
#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "e2e/ops_support.hpp"

namespace sa::test {
namespace {

using Cases = std::vector<std::pair<std::vector<std::string>, std::string>>;

// Runs each command line without a config and expects `exit_code` and its message in the output.
void check_each(const Cases& cases, int exit_code) {
  for (const auto& [args, message] : cases) {
    auto out = smart_auth_plain(args);
    INFO(args[0] << ": " << out.output);
    CHECK(out.status.exit_code == exit_code);
    CHECK(contains(out.output, message));
  }
}

TEST_CASE("every subcommand answers --help with its usage", "[ops][cli]") {
  const Cases cases = {
      {{"--help"}, "usage: smart-auth [COMMAND]"},
      {{"serve", "--help"}, "usage: smart-auth [serve]"},
      {{"check-config", "--help"}, "usage: smart-auth check-config"},
      {{"migrate", "--help"}, "usage: smart-auth migrate"},
      {{"rotate-keys", "--help"}, "usage: smart-auth rotate-keys"},
      {{"hash-password", "--help"}, "usage: smart-auth hash-password"},
      {{"bench-mint", "--help"}, "usage: smart-auth bench-mint"},
      {{"client", "--help"}, "usage: smart-auth client add"},
      {{"client", "update", "-h"}, "usage: smart-auth client add"},
      {{"token", "--help"}, "usage: smart-auth token revoke"},
      {{"token", "revoke", "--help"}, "usage: smart-auth token revoke"},
      {{"backup", "--help"}, "usage: smart-auth backup"},
      {{"restore", "--help"}, "usage: smart-auth restore"},
      {{"healthcheck", "--help"}, "usage: smart-auth healthcheck"},
  };
  check_each(cases, 0);
}

TEST_CASE("every subcommand names a bad argument and exits 2", "[ops][cli]") {
  const Cases cases = {
      {{"frobnicate"}, "unknown command frobnicate"},
      {{"--ready-file"}, "--ready-file needs a value"},
      {{"serve", "--port", "1"}, "unknown argument --port"},
      {{"check-config", "--config"}, "--config needs a value"},
      {{"check-config", "--config", "a", "--config", "b"}, "--config given twice"},
      {{"migrate", "--dry-run"}, "unknown argument --dry-run"},
      {{"rotate-keys", "now"}, "unexpected argument now"},
      {{"hash-password", "--cost", "3"}, "unknown argument --cost"},
      {{"bench-mint", "--codes", "0"}, "--codes needs a whole number"},
      {{"bench-mint", "--client-id", "x", "--out", "f"}, "exactly one of --codes and --refresh"},
      {{"client"}, "usage: smart-auth client add"},
      {{"client", "list", "--all"}, "unknown argument --all"},
      {{"client", "remove"}, "needs CLIENT_ID"},
      {{"token"}, "needs an action"},
      {{"token", "burn"}, "unknown action burn"},
      {{"token", "revoke"}, "exactly one of --client and --user"},
      {{"token", "revoke", "--client", "a", "--user", "b"}, "exactly one of --client and --user"},
      {{"token", "revoke", "--everyone"}, "unknown argument --everyone"},
      {{"backup"}, "needs BACKUP_FILE"},
      {{"restore", "--to", "x"}, "unknown argument --to"},
      {{"healthcheck", "--url"}, "--url needs a value"},
  };
  check_each(cases, 2);
}

TEST_CASE("check-config takes --config, and the older --check-config PATH still works",
          "[ops][cli]") {
  TempDir dir;
  const auto good = dir.path() / "good.yaml";
  const auto bad = dir.path() / "bad.yaml";
  { std::ofstream(good) << test_config_yaml(dir.path()); }
  { std::ofstream(bad) << "log:\n  level: loud\n"; }
  CHECK(smart_auth_plain({"check-config", "--config", good.string()}).status.exit_code == 0);
  CHECK(smart_auth_plain({"--check-config", good.string()}).status.exit_code == 0);
  auto refused = smart_auth_plain({"check-config", "--config", bad.string()});
  CHECK(refused.status.exit_code == 2);
  CHECK(contains(refused.output, "log.level"));
}

TEST_CASE("migrate applies what is pending, reports it, and is idempotent", "[ops][cli]") {
  TempDir dir;
  const auto config = dir.path() / "smart-auth.yaml";
  { std::ofstream(config) << test_config_yaml(dir.path()); }
  auto first = smart_auth(config, {"migrate"});
  INFO(first.output);
  REQUIRE(first.status.exit_code == 0);
  CHECK(contains(first.output, "applied 0001_signing_keys"));
  CHECK(contains(first.output, "applied 0008_grants"));
  CHECK(contains(first.output, "(was 0)"));
  CHECK(contains(first.output, R"("event":"database_migrated","actor":"operator")"));
  auto second = smart_auth(config, {"migrate"});
  INFO(second.output);
  CHECK(second.status.exit_code == 0);
  CHECK(contains(second.output, "nothing to apply"));
  CHECK_FALSE(contains(second.output, "applied 0001"));
}

TEST_CASE("hash-password prints an argon2id hash of the line on stdin, and fails without one",
          "[ops][cli]") {
  const std::string bin = binary_path().string();
  auto out = run_command({"/bin/sh", "-c", "printf 'pw-1234\\n' | '" + bin + "' hash-password"});
  INFO(out.output);
  CHECK(out.status.exit_code == 0);
  CHECK(contains(out.output, "$argon2id$"));
  auto empty = run_command({"/bin/sh", "-c", "'" + bin + "' hash-password < /dev/null"});
  CHECK(empty.status.exit_code == 1);
  CHECK(contains(empty.output, "no password on stdin"));
}

}  // namespace
}  // namespace sa::test
