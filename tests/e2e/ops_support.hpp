// What the operator-command tests share: running `smart-auth <command> ...` against a service's
// config (the same database file the running server uses), and waiting, with a deadline, for a
// running server to see a change the CLI made (its client cache, CachedClientStore's 5 s).
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "e2e/registration_support.hpp"
#include "support/service_process.hpp"

namespace sa::test {

// `smart-auth <args...>` with --config inserted after the command words (`words` of them).
inline CommandOutput smart_auth(const std::filesystem::path& config, std::vector<std::string> args,
                                std::size_t words = 1) {
  std::vector<std::string> argv{binary_path().string()};
  argv.insert(argv.end(), args.begin(), args.begin() + static_cast<std::ptrdiff_t>(words));
  argv.push_back("--config");
  argv.push_back(config.string());
  argv.insert(argv.end(), args.begin() + static_cast<std::ptrdiff_t>(words), args.end());
  return run_command(argv, std::chrono::seconds(60));
}

// `smart-auth <args...>` as given.
inline CommandOutput smart_auth_plain(std::vector<std::string> args) {
  std::vector<std::string> argv{binary_path().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The documented bound on how long a running server may keep a client the CLI changed
// (README "Operating it": within 5 s), plus slack for a loaded 2-core machine running ctest -j:
// a cache that never expired still fails, a slow poll does not.
inline constexpr auto kClientCacheBound = std::chrono::seconds(5) + std::chrono::seconds(5);

// Polls `seen` until it holds or `bound` passes; returns how long it took, or nullopt. Polling
// is the point here: the test measures when a running server notices a change.
inline std::optional<std::chrono::milliseconds> within(std::chrono::milliseconds bound,
                                                       const std::function<bool()>& seen) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    if (seen()) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
    }
    if (std::chrono::steady_clock::now() - start > bound) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// The first line of `output` that starts with `{` and holds `member`: a command's JSON answer
// (the audit lines go to stderr and carry "channel").
inline std::string json_line_with(const std::string& output, const std::string& member) {
  std::size_t pos = 0;
  while (pos < output.size()) {
    std::size_t end = output.find('\n', pos);
    if (end == std::string::npos) end = output.size();
    std::string line = output.substr(pos, end - pos);
    if (!line.empty() && line[0] == '{' && !contains(line, "\"channel\"") &&
        contains(line, "\"" + member + "\"")) {
      return line;
    }
    pos = end + 1;
  }
  return {};
}

// A backend client added by `client add` for the config's database (client_credentials,
// client_secret_basic, system/*.rs): its id and the secret the command printed once.
inline Client add_backend_client(const std::filesystem::path& config, const std::string& name) {
  auto out = smart_auth(config, {"client", "add", "--name", name, "--grant-type",
                                 "client_credentials", "--auth-method", "client_secret_basic",
                                 "--scope", "system/*.rs"},
                        2);
  INFO(out.output);
  REQUIRE(out.status.exit_code == 0);
  auto doc = parse_json(json_line_with(out.output, "client_secret"));
  return Client{doc["client_id"].GetString(), doc["client_secret"].GetString()};
}

}  // namespace sa::test
