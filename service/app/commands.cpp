#include "app/commands.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <charconv>
#include <limits>

#include "app/allocator.hpp"
#include "app/cli.hpp"
#include "app/components.hpp"
#include "app/bench_mint.hpp"
#include "store/database_lock.hpp"
#include "app/routes.hpp"
#include "app/tls_material.hpp"
#include "config/loader.hpp"
#include "crypto/files.hpp"
#include "crypto/random.hpp"
#include "demo/routes.hpp"
#include "directory/password_hash.hpp"
#include "http/server.hpp"
#include "keys/key_ring.hpp"
#include "launch/routes.hpp"
#include "obs/log.hpp"
#include "store/database.hpp"
#include "store/migrator.hpp"
#include "store/connection.hpp"
#include "keys/sqlite_key_store.hpp"

namespace sa::app {
namespace {

using cli::kBadUsage;
using cli::kFailed;
using cli::kOk;

int fail(const std::string& message) {
  obs::log(obs::Level::error, message);
  std::fprintf(stderr, "smart-auth: %s\n", message.c_str());
  return kFailed;
}

bool write_ready_file(const std::string& path, const http::BoundPorts& ports,
                      const std::string& ca_file) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("pid");
  w.Int(static_cast<int>(getpid()));
  w.Key("https_port");
  w.Uint(ports.https);
  if (ports.http) {
    w.Key("http_port");
    w.Uint(*ports.http);
  }
  w.Key("ca_file");
  w.String(ca_file.c_str());
  w.EndObject();
  return crypto::write_file_private(path, std::string(buf.GetString(), buf.GetSize())) ==
         crypto::FileStatus::Ok;
}

int serve(const config::Config& config, const std::string& ready_file) {
  const auto started = std::chrono::steady_clock::now();
  SystemClock clock;
  auto tls = prepare_tls(config, clock);
  if (!tls) return fail(tls.error());
  auto built = Components::create(config, clock);
  if (!built) return fail(built.error());
  Components& components = **built;

  http::Router router({config.server.cors_allowed_origins});
  Endpoints endpoints = register_routes(router, components);

  try {
    http::Server server(config.server, tls->material, router, components.metrics);
    const auto ports = server.bind();
    server.every(std::chrono::seconds(config.keys.reload_interval_s),
                 [&components] { components.housekeeping(); });
    server.every(Components::kPurgeInterval, [&components] { components.purge_expired(); });
    // Group commit: the writer commits once the I/O threads have nothing left to add.
    server.when_idle([&db = *components.database] { db.producer_idle(); });
    if (config.server.plain_http.enabled) {
      obs::log(obs::Level::warn,
               "plain HTTP listener is ON: only safe behind a TLS-terminating proxy",
               {obs::num("http_port", *ports.http)});
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    obs::log(obs::Level::info, "listening",
             {{"url", config.server.public_base_url},
              obs::num("https_port", ports.https),
              {"ca_file", tls->ca_file},
              {"fhir_base_url", config.smart.fhir_base_url},
              obs::num("replay_jtis_restored", components.replay->remembered()),
              {"allocator", allocator_in_use()},
              obs::num("startup_ms", ms)});
    std::fprintf(stderr,
                 "smart-auth listening on https://%s:%u (issuer %s)\n"
                 "  trust this CA: %s\n"
                 "  discovery: %s/.well-known/smart-configuration\n"
                 "  FHIR base URL (aud): %s\n",
                 config.server.listen.host.c_str(), ports.https,
                 config.server.public_base_url.c_str(),
                 tls->ca_file.empty() ? "(configured certificate)" : tls->ca_file.c_str(),
                 config.server.public_base_url.c_str(), config.smart.fhir_base_url.c_str());
    // The generated demo token, for the operator's eyes: on the terminal, never in the log.
    if (const auto& demo = components.initial_access_tokens.generated()) {
      std::fprintf(stderr,
                   "  initial access token (%s; allows %s): %s\n"
                   "    register with -H \"Authorization: Bearer <token>\"; kept in %s\n",
                   demo->description.c_str(), demo->max_scope.c_str(), demo->token.c_str(),
                   demo->path.c_str());
    }
    if (const auto& ehr = components.ehr_api_key.generated()) {
      std::fprintf(stderr,
                   "  EHR API key: %s\n"
                   "    create launches with POST %s%s -H \"Authorization: Bearer <key>\"; kept in "
                   "%s\n",
                   ehr->key.c_str(), config.server.public_base_url.c_str(),
                   std::string(launch::paths::kLaunch).c_str(), ehr->path.c_str());
    }
    if (config.demo.enabled) {
      std::fprintf(stderr, "  demo EHR launcher (demo.enabled; never in production): %s%s\n",
                   config.server.public_base_url.c_str(),
                   std::string(demo::paths::kLauncher).c_str());
    }
    if (!ready_file.empty() && !write_ready_file(ready_file, ports, tls->ca_file)) {
      return fail("cannot write ready file " + ready_file);
    }
    server.run();
    // The I/O threads have stopped but their contexts still exist: let pending store commits,
    // fetches and worker tasks finish (their answers are dropped) before the server goes.
    components.shutdown();
  } catch (const std::exception& e) {
    components.shutdown();
    return fail(e.what());
  }
  obs::log(obs::Level::info, "stopped");
  return kOk;
}

int rotate_keys(const config::Config& config) {
  SystemClock clock;
  auto db = store::Database::open(config.store);
  if (!db) return fail(db.error());
  keys::SqliteKeyStore key_store(**db);
  keys::KeyRing key_ring(key_store, config.keys, clock);
  if (auto err = key_ring.load_or_create()) return fail(*err);
  auto kids = key_ring.rotate();
  if (!kids) return fail(kids.error());
  for (const auto& kid : *kids) std::printf("new active key %s\n", kid.c_str());
  std::printf("old keys stay in JWKS for %u s; a running server picks this up within %u s\n",
              config.keys.retired_key_ttl_s, config.keys.reload_interval_s);
  return kOk;
}

// One line from stdin without its line ending; on a terminal, prompted on stderr and not echoed.
std::optional<std::string> read_password_line(const char* prompt) {
  const bool tty = isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::fprintf(stderr, "%s", prompt);
    if (tcgetattr(STDIN_FILENO, &saved) == 0) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fprintf(stderr, "\n");
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Prints an argon2id hash for directory.builtin's password_hash. The password never reaches a
// log or the terminal.
int hash_password() {
  auto password = read_password_line("Password: ");
  if (!password || password->empty()) {
    std::fprintf(stderr, "smart-auth: hash-password: no password on stdin\n");
    return kFailed;
  }
  if (isatty(STDIN_FILENO) != 0) {
    auto again = read_password_line("Again: ");
    if (!again || *again != *password) {
      std::fprintf(stderr, "smart-auth: hash-password: the passwords differ\n");
      return kFailed;
    }
  }
  crypto::OpenSslRandom random;
  auto hash = directory::hash_password(*password, directory::kDefaultArgon2Params, random);
  if (!hash) {
    std::fprintf(stderr, "smart-auth: hash-password: %s\n", hash.error().c_str());
    return kFailed;
  }
  std::printf("%s\n", hash->c_str());
  return kOk;
}

}  // namespace

namespace {

constexpr const char* kServeUsage =
    "usage: smart-auth [serve] [--config PATH] [--ready-file PATH]\n"
    "  Run the server (the default command). --config defaults to config/smart-auth.yaml;\n"
    "  --ready-file is written (0600 JSON: pid, https_port, ca_file) once it listens.\n"
    "  Holds <store.path>.lock while it runs, so restore refuses to replace its database.\n";
constexpr const char* kCheckConfigUsage =
    "usage: smart-auth check-config [--config PATH]\n"
    "       smart-auth --check-config PATH\n"
    "  Validate the config and exit: 0 ok, 2 with one line per problem naming its key.\n";
constexpr const char* kMigrateUsage =
    "usage: smart-auth migrate [--config PATH]\n"
    "  Apply the migrations this binary carries that the database lacks, and report which\n"
    "  were applied and the schema version. serve does the same at start; migrate lets you\n"
    "  do it (and see it) before. Safe beside a running server of the same version.\n";
constexpr const char* kRotateKeysUsage =
    "usage: smart-auth rotate-keys [--config PATH]\n"
    "  Add new active signing keys and retire the old ones; their public keys stay in the\n"
    "  JWKS for keys.retired_key_ttl_s. A running server picks the change up within\n"
    "  keys.reload_interval_s.\n";
constexpr const char* kHashPasswordUsage =
    "usage: smart-auth hash-password\n"
    "  Read one password line from stdin (not echoed on a terminal, asked twice) and print\n"
    "  its argon2id hash for directory.builtin users' password_hash.\n";
constexpr const char* kBenchMintUsage =
    "usage: smart-auth bench-mint [--config PATH] --client-id ID (--codes N | --refresh N)\n"
    "                  --out FILE [--scope SCOPE] [--code-lifetime-s S]\n"
    "  BENCHMARKS ONLY, with the server stopped (refused while one runs): writes N\n"
    "  authorization codes, or N offline refresh tokens each in its own grant, for the\n"
    "  registered client ID into the configured database, and the codes or tokens one\n"
    "  per line to FILE (0600).\n"
    "  Codes use redirect_uri = the client's first, the fixed code_verifier it prints,\n"
    "  and live S seconds (default 3600, far beyond the usual 60: never use it on a\n"
    "  production database). SCOPE defaults to\n"
    "  \"launch/patient openid fhirUser offline_access patient/*.rs\".\n";

constexpr cli::FlagSpec kConfigOnly[] = {{"--config"}};

// A positive whole number no larger than `max`, or nullopt.
std::optional<std::uint64_t> parse_count(const std::string& text, std::uint64_t max) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || value == 0 || value > max) return std::nullopt;
  return value;
}

// The config of a command that takes only --config: parsed flags, loaded config, and operator
// logging on. nullopt after printing the problem; *exit_code says which.
std::optional<config::Config> config_for(std::string_view command, const char* usage,
                                         std::span<const std::string> argv, int* exit_code) {
  auto args = cli::parse(argv, kConfigOnly, 0);
  if (!args) {
    *exit_code = cli::usage_error(command, args.error(), usage);
    return std::nullopt;
  }
  auto config = cli::load_config(args->config_path());
  if (!config) {
    *exit_code = kBadUsage;
    return std::nullopt;
  }
  cli::operator_logging(*config);
  return config;
}

}  // namespace

int serve_command(std::span<const std::string> argv) {
  if (cli::wants_help(argv)) return std::printf("%s", kServeUsage), kOk;
  static constexpr cli::FlagSpec kFlags[] = {{"--config"}, {"--ready-file"}};
  auto args = cli::parse(argv, kFlags, 0);
  if (!args) return cli::usage_error("serve", args.error(), kServeUsage);
  auto config = cli::load_config(args->config_path());
  if (!config) return kBadUsage;
  obs::init_logging(config->log);
  // One server per database file: restore must not swap the file under it (ops_backup.cpp).
  auto lock = store::DatabaseLock::acquire(config->store.path);
  if (!lock) return fail(lock.error());
  return serve(*config, args->value("--ready-file").value_or(""));
}

int check_config_command(std::span<const std::string> argv) {
  if (cli::wants_help(argv)) return std::printf("%s", kCheckConfigUsage), kOk;
  auto args = cli::parse(argv, kConfigOnly, 0);
  if (!args) return cli::usage_error("check-config", args.error(), kCheckConfigUsage);
  if (!cli::load_config(args->config_path())) return kBadUsage;
  std::printf("%s: ok\n", args->config_path().c_str());
  return kOk;
}

int migrate_command(std::span<const std::string> argv) {
  if (cli::wants_help(argv)) return std::printf("%s", kMigrateUsage), kOk;
  int code = kOk;
  auto config = config_for("migrate", kMigrateUsage, argv, &code);
  if (!config) return code;
  const auto& settings = config->store;
  // As serve would: the directory, and an owner-only file before SQLite creates it.
  if (auto error = store::Database::prepare_file(settings.path)) {
    return cli::failure("migrate", *error);
  }
  auto conn = store::Connection::open(
      settings.path, {.busy_timeout_ms = settings.busy_timeout_ms, .create = true, .wal = true});
  if (!conn) return cli::failure("migrate", conn.error());
  SystemClock clock;
  const auto& migrations = store::embedded_migrations();
  auto report = store::Migrator(migrations).run(**conn, clock.now_seconds());
  if (!report) return cli::failure("migrate", "database " + settings.path + ": " + report.error());
  for (std::int64_t version : report->applied) {
    for (const auto& m : migrations) {
      if (m.version == version) std::printf("applied %04lld_%s\n", static_cast<long long>(version), m.name.c_str());
    }
  }
  if (report->applied.empty()) std::printf("nothing to apply\n");
  std::printf("schema version %lld (was %lld) in %s\n", static_cast<long long>(report->to_version),
              static_cast<long long>(report->from_version), settings.path.c_str());
  obs::audit("database_migrated", {{"actor", "operator"},
                                   {"database", settings.path},
                                   obs::num("from_version", report->from_version),
                                   obs::num("to_version", report->to_version)});
  return kOk;
}

int rotate_keys_command(std::span<const std::string> argv) {
  if (cli::wants_help(argv)) return std::printf("%s", kRotateKeysUsage), kOk;
  int code = kOk;
  auto config = config_for("rotate-keys", kRotateKeysUsage, argv, &code);
  if (!config) return code;
  return rotate_keys(*config);
}

int hash_password_command(std::span<const std::string> argv) {
  if (cli::wants_help(argv)) return std::printf("%s", kHashPasswordUsage), kOk;
  auto args = cli::parse(argv, {}, 0);
  if (!args) return cli::usage_error("hash-password", args.error(), kHashPasswordUsage);
  return hash_password();
}

int bench_mint_command(std::span<const std::string> argv) {
  if (cli::wants_help(argv)) return std::printf("%s", kBenchMintUsage), kOk;
  static constexpr cli::FlagSpec kFlags[] = {{"--config"},  {"--client-id"}, {"--codes"},
                                             {"--refresh"}, {"--out"},       {"--scope"},
                                             {"--code-lifetime-s"}};
  auto args = cli::parse(argv, kFlags, 0);
  if (!args) return cli::usage_error("bench-mint", args.error(), kBenchMintUsage);
  BenchMintOptions bench;
  bench.client_id = args->value("--client-id").value_or("");
  bench.out = args->value("--out").value_or("");
  if (auto scope = args->value("--scope")) bench.scope = *scope;
  for (const char* flag : {"--codes", "--refresh", "--code-lifetime-s"}) {
    auto text = args->value(flag);
    if (!text) continue;
    const std::string_view name(flag);
    const std::uint64_t max = name == "--code-lifetime-s"
                                  ? std::numeric_limits<std::uint32_t>::max()
                                  : std::uint64_t{10'000'000};
    auto n = parse_count(*text, max);
    if (!n) {
      return cli::usage_error("bench-mint",
                              std::string(flag) + " needs a whole number from 1 to " +
                                  std::to_string(max),
                              kBenchMintUsage);
    }
    if (name == "--codes") bench.codes = *n;
    if (name == "--refresh") bench.refresh = *n;
    if (name == "--code-lifetime-s") bench.code_lifetime_s = static_cast<std::uint32_t>(*n);
  }
  const char* missing = bench.client_id.empty() ? "--client-id"
                        : bench.out.empty()     ? "--out"
                                                : nullptr;
  if (missing != nullptr) {
    return cli::usage_error("bench-mint", std::string("needs ") + missing, kBenchMintUsage);
  }
  if ((bench.codes > 0) == (bench.refresh > 0)) {
    return cli::usage_error("bench-mint", "needs exactly one of --codes and --refresh",
                            kBenchMintUsage);
  }
  auto config = cli::load_config(args->config_path());
  if (!config) return kBadUsage;
  cli::operator_logging(*config);
  // "with the server stopped": its codes and tokens go straight into the stores, and a running
  // server's caches would not see them; serve's lock (store/database_lock.hpp) says if one runs.
  auto lock = store::DatabaseLock::acquire(config->store.path);
  if (!lock) return fail(lock.error());
  return bench_mint(*config, bench);
}

}  // namespace sa::app
