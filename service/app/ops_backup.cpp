#include "app/ops_backup.hpp"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "app/cli.hpp"
#include "obs/log.hpp"
#include "store/backup.hpp"
#include "store/database_lock.hpp"
#include "store/migrator.hpp"

namespace sa::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBackupUsage =
    "usage: smart-auth backup [--config PATH] [--force] BACKUP_FILE\n"
    "  Copy the database to BACKUP_FILE (0600) with SQLite's online backup API: one\n"
    "  consistent snapshot, also while the server serves and writes. The copy is checked\n"
    "  with PRAGMA integrity_check. An existing file is refused unless --force. The copy\n"
    "  holds the private signing keys: keep it as secret as the database.\n";
constexpr const char* kRestoreUsage =
    "usage: smart-auth restore [--config PATH] BACKUP_FILE\n"
    "  With the server stopped: check BACKUP_FILE (PRAGMA integrity_check, a smart-auth\n"
    "  schema no newer than this binary's) and replace the database with it atomically. The\n"
    "  database it replaces is kept as <store.path>.pre-restore. Refused while a server\n"
    "  holds <store.path>.lock. The next start applies any newer migrations.\n";

constexpr cli::FlagSpec kBackupFlags[] = {{"--config"}, {"--force", cli::Arity::none}};
constexpr cli::FlagSpec kRestoreFlags[] = {{"--config"}};

std::int64_t binary_schema_version() {
  const auto& migrations = store::embedded_migrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

}  // namespace

int backup_command(std::span<const std::string> argv) {
  if (cli::wants_help(argv)) return std::printf("%s", kBackupUsage), cli::kOk;
  auto args = cli::parse(argv, kBackupFlags, 1);
  if (!args) return cli::usage_error("backup", args.error(), kBackupUsage);
  if (args->positionals.empty()) return cli::usage_error("backup", "needs BACKUP_FILE", kBackupUsage);
  const std::string target = args->positionals[0];
  auto config = cli::load_config(args->config_path());
  if (!config) return cli::kBadUsage;
  cli::operator_logging(*config);
  const std::string& source = config->store.path;
  std::error_code ec;
  if (fs::exists(target, ec) && !args->has("--force")) {
    return cli::failure("backup", target + " exists; pass --force to replace it");
  }
  if (fs::equivalent(source, target, ec)) {
    return cli::failure("backup", target + " is the database itself");
  }
  // Written beside the target and renamed over it, so a failed backup never leaves a half file
  // under the name a restore would use, and --force replaces the old copy atomically.
  const std::string partial = target + ".partial";
  fs::remove(partial, ec);
  auto facts = store::backup_database(source, partial, config->store.busy_timeout_ms);
  if (!facts) return cli::failure("backup", facts.error());
  fs::rename(partial, target, ec);
  if (ec) {
    fs::remove(partial, ec);
    return cli::failure("backup", "cannot move the copy to " + target + ": " + ec.message());
  }
  obs::audit("database_backed_up", {{"actor", "operator"},
                                    {"database", source},
                                    {"backup", target},
                                    obs::num("schema_version", facts->schema_version)});
  std::printf("backed up %s to %s: schema version %lld, %lld clients, %lld pages, "
              "integrity_check ok\n",
              source.c_str(), target.c_str(), static_cast<long long>(facts->schema_version),
              static_cast<long long>(facts->clients), static_cast<long long>(facts->pages));
  return cli::kOk;
}

int restore_command(std::span<const std::string> argv) {
  if (cli::wants_help(argv)) return std::printf("%s", kRestoreUsage), cli::kOk;
  auto args = cli::parse(argv, kRestoreFlags, 1);
  if (!args) return cli::usage_error("restore", args.error(), kRestoreUsage);
  if (args->positionals.empty()) {
    return cli::usage_error("restore", "needs BACKUP_FILE", kRestoreUsage);
  }
  const std::string backup = args->positionals[0];
  auto config = cli::load_config(args->config_path());
  if (!config) return cli::kBadUsage;
  cli::operator_logging(*config);
  const std::string& database = config->store.path;

  // Checked before anything is touched: a file that is not ours, damaged, or too new.
  auto facts = store::inspect_database(backup, binary_schema_version());
  if (!facts) return cli::failure("restore", facts.error());
  // Held until the swap is done: a server cannot start on a half-restored database.
  auto lock = store::DatabaseLock::acquire(database);
  if (!lock) {
    return cli::failure("restore", lock.error() + "; stop the server first");
  }
  // A fresh copy through the backup API (also re-checked), in the database's own directory so
  // the final rename is atomic.
  const std::string incoming = database + ".restore-tmp";
  std::error_code ec;
  fs::remove(incoming, ec);
  auto copied = store::backup_database(backup, incoming, config->store.busy_timeout_ms);
  if (!copied) return cli::failure("restore", copied.error());
  // The old file's WAL must not outlive it: SQLite would replay it onto the restored file.
  const std::string kept = database + ".pre-restore";
  auto settled = store::settle_database(database, config->store.busy_timeout_ms);
  if (!settled) {
    fs::remove(incoming, ec);
    return cli::failure("restore", settled.error());
  }
  if (*settled) {
    fs::remove(kept, ec);
    fs::rename(database, kept, ec);
    if (ec) {
      fs::remove(incoming, ec);
      return cli::failure("restore", "cannot set the old database aside: " + ec.message());
    }
  }
  fs::rename(incoming, database, ec);
  if (ec) return cli::failure("restore", "cannot move the restored file into place: " + ec.message());
  obs::audit("database_restored", {{"actor", "operator"},
                                   {"database", database},
                                   {"backup", backup},
                                   obs::num("schema_version", copied->schema_version)});
  std::printf("restored %s from %s: schema version %lld, %lld clients", database.c_str(),
              backup.c_str(), static_cast<long long>(copied->schema_version),
              static_cast<long long>(copied->clients));
  if (*settled) std::printf("; the previous database is kept as %s", kept.c_str());
  std::printf("\n");
  return cli::kOk;
}

}  // namespace sa::app
