// smart-auth entry point: parses the command line and runs one of the commands.
//   smart-auth [--config PATH] [--ready-file PATH]   serve (default config/smart-auth.yaml)
//   smart-auth --check-config PATH                   validate the config and exit (0 ok, 2 bad)
//   smart-auth rotate-keys [--config PATH]           add new signing keys, retire the old ones
//   smart-auth hash-password                         argon2id hash of a password read from stdin
//   smart-auth bench-mint [--config PATH] ...        benchmarks only: codes / refresh tokens
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.hpp"

namespace {

constexpr const char* kUsage =
    "usage: smart-auth [--config PATH] [--ready-file PATH]\n"
    "       smart-auth --check-config PATH\n"
    "       smart-auth rotate-keys [--config PATH]\n"
    "       smart-auth hash-password   (reads the password from stdin)\n"
    "       smart-auth bench-mint [--config PATH] --client-id ID (--codes N | --refresh N)\n"
    "                  --out FILE [--scope SCOPE] [--code-lifetime-s S]\n"
    "           BENCHMARKS ONLY, with the server stopped: writes N authorization codes, or N\n"
    "           offline refresh tokens each in its own grant, for the registered client ID into\n"
    "           the configured database, and the codes or tokens one per line to FILE (0600).\n"
    "           Codes use redirect_uri = the client's first, the fixed code_verifier it prints,\n"
    "           and live S seconds (default 3600, far beyond the usual 60: never use it on a\n"
    "           production database). SCOPE defaults to\n"
    "           \"launch/patient openid fhirUser offline_access patient/*.rs\".\n"
    "       smart-auth --version\n";

// A positive whole number no larger than `max`, or nullopt.
std::optional<std::uint64_t> parse_count(const std::string& text, std::uint64_t max) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || value == 0 || value > max) return std::nullopt;
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  sa::app::Options options;
  sa::app::BenchMintOptions& bench = options.bench_mint;
  bool bench_flags = false;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* flag) -> const std::string* {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "smart-auth: %s needs a value\n%s", flag, kUsage);
        return nullptr;
      }
      return &args[++i];
    };
    if (a == "--config") {
      auto v = value("--config");
      if (!v) return 2;
      options.config_path = *v;
    } else if (a == "--check-config") {
      auto v = value("--check-config");
      if (!v) return 2;
      options.config_path = *v;
      options.command = sa::app::Command::check_config;
    } else if (a == "--ready-file") {
      auto v = value("--ready-file");
      if (!v) return 2;
      options.ready_file = *v;
    } else if (a == "rotate-keys") {
      options.command = sa::app::Command::rotate_keys;
    } else if (a == "hash-password") {
      options.command = sa::app::Command::hash_password;
    } else if (a == "bench-mint") {
      options.command = sa::app::Command::bench_mint;
    } else if (a == "--client-id" || a == "--out" || a == "--scope") {
      auto v = value(a.c_str());
      if (!v) return 2;
      bench_flags = true;
      (a == "--client-id" ? bench.client_id : a == "--out" ? bench.out : bench.scope) = *v;
    } else if (a == "--codes" || a == "--refresh" || a == "--code-lifetime-s") {
      auto v = value(a.c_str());
      if (!v) return 2;
      bench_flags = true;
      const std::uint64_t max = a == "--code-lifetime-s" ? std::numeric_limits<std::uint32_t>::max()
                                                         : std::uint64_t{10'000'000};
      auto n = parse_count(*v, max);
      if (!n) {
        std::fprintf(stderr, "smart-auth: %s needs a whole number from 1 to %llu\n%s", a.c_str(),
                     static_cast<unsigned long long>(max), kUsage);
        return 2;
      }
      if (a == "--codes") bench.codes = *n;
      if (a == "--refresh") bench.refresh = *n;
      if (a == "--code-lifetime-s") bench.code_lifetime_s = static_cast<std::uint32_t>(*n);
    } else if (a == "--version") {
      std::printf("smart-auth %s\n", SMART_AUTH_VERSION);
      return 0;
    } else if (a == "--help" || a == "-h") {
      std::printf("%s", kUsage);
      return 0;
    } else {
      std::fprintf(stderr, "smart-auth: unknown argument %s\n%s", a.c_str(), kUsage);
      return 2;
    }
  }
  if (bench_flags && options.command != sa::app::Command::bench_mint) {
    std::fprintf(stderr,
                 "smart-auth: --client-id, --codes, --refresh, --scope, --out and "
                 "--code-lifetime-s belong to bench-mint\n%s",
                 kUsage);
    return 2;
  }
  if (options.command == sa::app::Command::bench_mint) {
    const char* missing = bench.client_id.empty() ? "--client-id"
                          : bench.out.empty()     ? "--out"
                                                  : nullptr;
    if (missing != nullptr) {
      std::fprintf(stderr, "smart-auth: bench-mint needs %s\n%s", missing, kUsage);
      return 2;
    }
    if ((bench.codes > 0) == (bench.refresh > 0)) {
      std::fprintf(stderr, "smart-auth: bench-mint needs exactly one of --codes and --refresh\n%s",
                   kUsage);
      return 2;
    }
  }
  return sa::app::run(options);
}
