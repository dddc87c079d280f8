// Internal to the loader: walks one YAML mapping, converting the keys the schema asks for and
// reporting the rest as unknown. Every problem becomes a ConfigError with the full key path; a
// bad value leaves the default in place so checking carries on. Includes yaml-cpp, so only the
// loader's .cpp files include this header (and the builtin user directory's file reader, which
// holds its YAML file to the same rules).
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/loader.hpp"
#include "config/values.hpp"

namespace sa::config {

// What every reader of one document shares: where values come from and where problems go.
struct LoadContext {
  const EnvLookup& env;
  std::vector<ConfigError>& errors;
  void fail(std::string key_path, std::string message) const {
    errors.push_back({std::move(key_path), std::move(message)});
  }
};

// Converts a scalar's text (after ${ENV} substitution): nullopt when accepted, else a phrase
// such as "expected host:port". `what` names the kind for type errors ("expected host:port, got
// a list").
struct ScalarRule {
  std::string what;
  std::function<std::optional<std::string>(const std::string& text)> apply;
};

class MapReader {
 public:
  // A missing or null node reads as an empty mapping; anything else that is not a mapping is
  // reported once and then also read as empty.
  MapReader(const YAML::Node& node, std::string path, const LoadContext& context);
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  void scalar(std::string_view key, const ScalarRule& rule);
  void uint(std::string_view key, std::uint32_t& out, IntRange range);
  void flag(std::string_view key, bool& out);
  void text(std::string_view key, std::string& out, bool allow_empty);
  void base_url(std::string_view key, std::string& out, bool allow_empty);
  void endpoint(std::string_view key, Endpoint& out);
  // A YAML sequence of scalars, each checked by `rule`; items are reported as key[i].
  void list(std::string_view key, std::vector<std::string>& out, const ScalarRule& rule);
  void section(std::string_view key, const std::function<void(MapReader&)>& read);
  // A YAML sequence of mappings; `read` gets each item's reader (path key[i]) and index, and
  // unknown keys are reported per item.
  void each(std::string_view key, const std::function<void(MapReader&, std::size_t)>& read);

  // Reports every key the schema did not ask for. Call once, after the last read.
  void report_unknown_keys();

  [[nodiscard]] std::string path_of(std::string_view key) const;

 private:
  struct Entry {
    std::string key;
    YAML::Node value;
    bool known = false;
  };
  // The entry for `key`, marked as known; nullptr when the document does not set it.
  const Entry* take(std::string_view key);
  // Substitutes ${ENV} and applies `rule` to one scalar node at `path`. Returns the substituted
  // text when accepted; reports the problem and returns nullopt otherwise.
  // NOLINTNEXTLINE(modernize-use-nodiscard): scalar() wants only the side effects.
  std::optional<std::string> convert(const YAML::Node& node, const std::string& path,
                                     const ScalarRule& rule) const;

  std::string path_;
  const LoadContext& context_;
  std::vector<Entry> entries_;
  std::vector<std::string> asked_;  // every key the schema asked for, for "did you mean"
};

}  // namespace sa::config
