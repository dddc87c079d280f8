#include "app/commands.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>

#include "app/components.hpp"
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
#include "keys/sqlite_key_store.hpp"

namespace sa::app {
namespace {

constexpr int kOk = 0, kFailed = 1, kBadConfig = 2;

std::optional<config::Config> load(const std::string& path) {
  auto result = config::load_config_file(path, config::process_env());
  for (const auto& e : result.errors) {
    std::fprintf(stderr, "%s\n", config::format_error(e).c_str());
  }
  return result.config;
}

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

int run(const Options& options) {
  if (options.command == Command::hash_password) return hash_password();
  auto config = load(options.config_path);
  if (!config) return kBadConfig;
  if (options.command == Command::check_config) {
    std::printf("%s: ok\n", options.config_path.c_str());
    return kOk;
  }
  obs::init_logging(config->log);
  switch (options.command) {
    case Command::serve: return serve(*config, options.ready_file);
    case Command::rotate_keys: return rotate_keys(*config);
    case Command::bench_mint: return bench_mint(*config, options.bench_mint);
    case Command::check_config: return kOk;
    case Command::hash_password: return kFailed;  // handled above, before the config
  }
  return kFailed;
}

}  // namespace sa::app
