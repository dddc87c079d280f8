// Helpers shared by the config tests: a fake environment and error matching by rendered line.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "config/loader.hpp"

namespace sa::config::test {

inline EnvLookup fake_env(std::map<std::string, std::string> vars = {}) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

inline std::vector<std::string> rendered(const LoadResult& result) {
  std::vector<std::string> lines;
  for (const ConfigError& error : result.errors) lines.push_back(format_error(error));
  return lines;
}

inline bool reports(const LoadResult& result, const std::string& line) {
  const auto lines = rendered(result);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

inline LoadResult load(std::string_view yaml, std::map<std::string, std::string> vars = {}) {
  return load_config_text(yaml, fake_env(std::move(vars)));
}

}  // namespace sa::config::test
