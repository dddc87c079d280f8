// The command line of the smart-auth binary: a small flag parser shared by every subcommand, the
// exit codes they all use, and the config loading they share. No command logic here: each
// subcommand lives in its own file (commands.cpp, ops_*.cpp) and calls parse() with its flags.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "util/expected.hpp"

namespace sa::app::cli {

// The exit codes of every subcommand (README "Operating it").
inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;    // the command ran and failed (store, network, server answer)
inline constexpr int kBadUsage = 2;  // a bad argument, or a config that does not load

inline constexpr const char* kDefaultConfig = "config/smart-auth.yaml";

enum class Arity { none, one, many };  // a switch, a flag with one value, a repeatable flag

struct FlagSpec {
  std::string_view name;  // "--config"
  Arity arity = Arity::one;
};

struct Args {
  std::map<std::string, std::vector<std::string>, std::less<>> flags;  // switches hold one ""
  std::vector<std::string> positionals;

  bool has(std::string_view flag) const { return flags.contains(flag); }
  std::optional<std::string> value(std::string_view flag) const;  // the last value given
  std::vector<std::string> values(std::string_view flag) const;   // every value, in order
  std::string config_path() const { return value("--config").value_or(kDefaultConfig); }
};

// Parses args against `flags`; at most `max_positionals` plain words. After "--" every word is a
// plain word, even one starting with '-'. The error names the bad argument: "unknown argument
// --x", "--config needs a value", "--scope given twice".
Expected<Args, std::string> parse(std::span<const std::string> args,
                                  std::span<const FlagSpec> flags, std::size_t max_positionals);

// True when args ask for help (--help or -h anywhere before "--").
bool wants_help(std::span<const std::string> args);

// Prints "smart-auth COMMAND: MESSAGE" and the usage to stderr; returns kBadUsage.
int usage_error(std::string_view command, std::string_view message, std::string_view usage);
// A value the command cannot accept (a metadata rule, a scope beyond the cap): prints
// "smart-auth COMMAND: MESSAGE" to stderr without the usage; returns kBadUsage.
int bad_input(std::string_view command, std::string_view message);
// Prints "smart-auth COMMAND: MESSAGE" to stderr; returns kFailed.
int failure(std::string_view command, std::string_view message);

// Loads and validates the config, printing each error (naming its key) to stderr.
std::optional<config::Config> load_config(const std::string& path);

// For every command but serve: log lines (and the audit lines of operator changes) go to
// stderr, so stdout carries only what the command prints for the operator or a script.
void operator_logging(const config::Config& config);

}  // namespace sa::app::cli
