// Environment-variable substitution for config values: "${NAME}" is replaced by the variable's
// value, "$${" stands for a literal "${". The lookup is injected so tests never touch the real
// environment. This does not know about YAML; the loader calls it on every scalar.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sa::config {

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// Reads the process environment (getenv). Call only at start-up, before threads exist.
EnvLookup process_env();

struct Substituted {
  std::string value;
  std::vector<std::string> problems;  // one per unset variable or malformed reference
};

// Expands every reference in `text`; `problems` is empty on success.
Substituted substitute_env(std::string_view text, const EnvLookup& env);

}  // namespace sa::config
