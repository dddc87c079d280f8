#include "app/cli.hpp"

#include <algorithm>
#include <cstdio>

#include "config/loader.hpp"
#include "obs/log.hpp"

namespace sa::app::cli {

std::optional<std::string> Args::value(std::string_view flag) const {
  auto it = flags.find(flag);
  if (it == flags.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::values(std::string_view flag) const {
  auto it = flags.find(flag);
  return it == flags.end() ? std::vector<std::string>{} : it->second;
}

Expected<Args, std::string> parse(std::span<const std::string> args,
                                  std::span<const FlagSpec> flags, std::size_t max_positionals) {
  Args out;
  bool options_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--" && !options_ended) {  // POSIX: every later word is a plain word
      options_ended = true;
      continue;
    }
    if (!options_ended && arg.size() > 1 && arg[0] == '-') {
      // --flag=value is accepted as well as --flag value.
      const auto eq = arg.find('=');
      const std::string name = arg.substr(0, eq);
      auto spec = std::find_if(flags.begin(), flags.end(),
                               [&name](const FlagSpec& f) { return f.name == name; });
      if (spec == flags.end()) return unexpected("unknown argument " + name);
      auto& slot = out.flags[name];
      if (spec->arity != Arity::many && !slot.empty()) {
        return unexpected(name + " given twice");
      }
      if (spec->arity == Arity::none) {
        if (eq != std::string::npos) return unexpected(name + " takes no value");
        slot.emplace_back();
        continue;
      }
      if (eq != std::string::npos) {
        slot.push_back(arg.substr(eq + 1));
      } else if (i + 1 < args.size()) {
        slot.push_back(args[++i]);
      } else {
        return unexpected(name + " needs a value");
      }
      continue;
    }
    if (out.positionals.size() >= max_positionals) return unexpected("unexpected argument " + arg);
    out.positionals.push_back(arg);
  }
  return out;
}

bool wants_help(std::span<const std::string> args) {
  const auto end = std::find(args.begin(), args.end(), "--");
  return std::any_of(args.begin(), end,
                     [](const std::string& a) { return a == "--help" || a == "-h"; });
}

int usage_error(std::string_view command, std::string_view message, std::string_view usage) {
  std::fprintf(stderr, "smart-auth %.*s: %.*s\n%.*s", static_cast<int>(command.size()),
               command.data(), static_cast<int>(message.size()), message.data(),
               static_cast<int>(usage.size()), usage.data());
  return kBadUsage;
}

int bad_input(std::string_view command, std::string_view message) {
  std::fprintf(stderr, "smart-auth %.*s: %.*s\n", static_cast<int>(command.size()),
               command.data(), static_cast<int>(message.size()), message.data());
  return kBadUsage;
}

int failure(std::string_view command, std::string_view message) {
  std::fprintf(stderr, "smart-auth %.*s: %.*s\n", static_cast<int>(command.size()),
               command.data(), static_cast<int>(message.size()), message.data());
  return kFailed;
}

std::optional<config::Config> load_config(const std::string& path) {
  auto result = config::load_config_file(path, config::process_env());
  for (const auto& e : result.errors) {
    std::fprintf(stderr, "%s\n", config::format_error(e).c_str());
  }
  return result.config;
}

void operator_logging(const config::Config& config) {
  obs::log_to_stderr();
  obs::init_logging(config.log);
}

}  // namespace sa::app::cli
