// Structured logging: one JSON object per line on stdout via spdlog, with three channels:
// "app" (operations), "access" (one line per request), "audit" (every security decision).
// Fields are JSON-escaped by RapidJSON; callers must never pass a secret, password, code or
// token, only fingerprint() of one.
#pragma once

#include <concepts>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "config/config.hpp"

namespace sa::obs {

struct Field {
  std::string_view key;
  std::string value;
  bool raw_number = false;  // emit as a JSON number, not a string
};
template <std::integral T>
Field num(std::string_view key, T value) {
  return {key, std::to_string(value), true};
}
Field num(std::string_view key, double value);

void init_logging(const config::LogSettings& settings);
// Operator commands: every line goes to stderr instead of stdout, so stdout carries only what
// the command prints. Takes effect only before the first line is logged.
void log_to_stderr();
void set_level(config::LogLevel level);

enum class Level { debug, info, warn, error };
void log(Level level, std::string_view message, std::initializer_list<Field> fields = {});
// Whether log() at `level` writes anything: skip building fields nobody will read.
bool enabled(Level level);
void access(std::initializer_list<Field> fields);
// Audit events: `event` names the decision ("client_registered", "assertion_rejected", ...).
// Each line is flushed before audit() returns, so a crash cannot lose a decision already made.
void audit(std::string_view event, std::initializer_list<Field> fields = {});

// The first 8 characters of base64url(SHA-256(secret)): enough to correlate log lines, useless
// to an attacker.
std::string fingerprint(std::string_view secret);

// Renders the JSON object body used for a line (exposed for tests).
std::string render_fields(std::string_view message, std::initializer_list<Field> fields);

}  // namespace sa::obs
