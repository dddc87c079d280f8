// Loads config/smart-auth.yaml into the plain Config structs, once, at start-up. Validates every
// key against the schema (unknown keys are errors), substitutes ${ENV_VAR} references, and
// collects every problem instead of stopping at the first. Knows nothing about the components
// that consume the settings, and keeps yaml-cpp out of this header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/env.hpp"

namespace sa::config {

struct ConfigError {
  std::string key_path;  // "server.cors_allowed_origins[2]"; empty for file/syntax problems
  std::string message;   // "expected host:port, got \"8443x\""
};

struct LoadResult {
  std::optional<Config> config;     // set only when `errors` is empty
  std::vector<ConfigError> errors;  // in schema order, unknown keys after their section's keys
};

LoadResult load_config_file(const std::string& path, const EnvLookup& env);
LoadResult load_config_text(std::string_view yaml, const EnvLookup& env);

// "server.listen: expected host:port, got \"8443x\"" (just the message when key_path is empty).
std::string format_error(const ConfigError& error);

}  // namespace sa::config
