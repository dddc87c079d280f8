// smart-auth entry point: parses the command line and runs one of the commands.
//   smart-auth [--config PATH] [--ready-file PATH]   serve (default config/smart-auth.yaml)
//   smart-auth --check-config PATH                   validate the config and exit (0 ok, 2 bad)
//   smart-auth rotate-keys [--config PATH]           add new signing keys, retire the old ones
//   smart-auth hash-password                         argon2id hash of a password read from stdin
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "app/commands.hpp"

namespace {

constexpr const char* kUsage =
    "usage: smart-auth [--config PATH] [--ready-file PATH]\n"
    "       smart-auth --check-config PATH\n"
    "       smart-auth rotate-keys [--config PATH]\n"
    "       smart-auth hash-password   (reads the password from stdin)\n"
    "       smart-auth --version\n";

}  // namespace

int main(int argc, char** argv) {
  sa::app::Options options;
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
  return sa::app::run(options);
}
