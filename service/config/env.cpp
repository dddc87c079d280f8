#include "config/env.hpp"

#include <cstdlib>

namespace sa::config {
namespace {

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_valid_name(std::string_view name) {
  if (name.empty() || !is_name_start(name.front())) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

}  // namespace

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Substituted substitute_env(std::string_view text, const EnvLookup& env) {
  Substituted out;
  out.value.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out.value += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out.value += text[i++];
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      out.problems.emplace_back(R"(unterminated "${" (write "$${" for a literal "${"))");
      return out;
    }
    const std::string_view name = text.substr(i + 2, close - i - 2);
    if (!is_valid_name(name)) {
      out.problems.push_back("\"${" + std::string(name) +
                             "}\" is not a valid environment variable reference");
    } else if (std::optional<std::string> value = env(name)) {
      out.value += *value;
    } else {
      out.problems.push_back("environment variable " + std::string(name) + " is not set");
    }
    i = close + 1;
  }
  return out;
}

}  // namespace sa::config
