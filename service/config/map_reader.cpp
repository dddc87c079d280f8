#include "config/map_reader.hpp"

#include <algorithm>
#include <utility>

#include "url/rules.hpp"

namespace sa::config {
namespace {

// Shown after "got": the value as a quoted, escaped, bounded string, or the node's kind.
std::string quote(std::string_view text) {
  constexpr std::size_t kMaxShown = 80;
  std::string out = "\"";
  for (char c : text.substr(0, kMaxShown)) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  if (text.size() > kMaxShown) out += "...";
  return out + "\"";
}

std::string describe_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "null";
    case YAML::NodeType::Scalar:
      return quote(node.Scalar());
  }
  return "an unknown node";
}

// Levenshtein distance, for "did you mean" on unknown keys.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

MapReader::MapReader(const YAML::Node& node, std::string path, const LoadContext& context)
    : path_(std::move(path)), context_(context) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    context_.fail(path_, "expected a mapping, got " + describe_kind(node));
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      context_.fail(path_, "keys must be plain names, got " + describe_kind(it->first));
      continue;
    }
    const std::string& key = it->first.Scalar();
    const bool duplicate =
        std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
    if (duplicate) {
      context_.fail(path_of(key), "duplicate key");
      continue;
    }
    entries_.push_back({key, it->second, false});
  }
}

std::string MapReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const MapReader::Entry* MapReader::take(std::string_view key) {
  asked_.emplace_back(key);
  for (Entry& entry : entries_) {
    if (entry.key == key) {
      entry.known = true;
      return &entry;
    }
  }
  return nullptr;
}

std::optional<std::string> MapReader::convert(const YAML::Node& node, const std::string& path,
                                              const ScalarRule& rule) const {
  if (!node.IsScalar()) {
    context_.fail(path, "expected " + rule.what + ", got " + describe_kind(node));
    return std::nullopt;
  }
  const std::string& raw = node.Scalar();
  Substituted substituted = substitute_env(raw, context_.env);
  if (!substituted.problems.empty()) {
    for (std::string& problem : substituted.problems) context_.fail(path, std::move(problem));
    return std::nullopt;
  }
  if (std::optional<std::string> problem = rule.apply(substituted.value)) {
    if (problem->empty()) *problem = "expected " + rule.what;
    std::string got = quote(substituted.value);
    if (substituted.value != raw) got += " (from " + quote(raw) + ")";
    context_.fail(path, *problem + ", got " + got);
    return std::nullopt;
  }
  return std::move(substituted.value);
}

void MapReader::scalar(std::string_view key, const ScalarRule& rule) {
  if (const Entry* entry = take(key)) convert(entry->value, path_of(key), rule);
}

void MapReader::uint(std::string_view key, std::uint32_t& out, IntRange range) {
  scalar(key, {describe(range), [&](const std::string& text) -> std::optional<std::string> {
                 auto value = parse_uint(text, range);
                 if (!value) return value.error();
                 out = *value;
                 return std::nullopt;
               }});
}

void MapReader::flag(std::string_view key, bool& out) {
  scalar(key, {"true or false", [&](const std::string& text) -> std::optional<std::string> {
                 auto value = parse_bool(text);
                 if (!value) return value.error();
                 out = *value;
                 return std::nullopt;
               }});
}

void MapReader::text(std::string_view key, std::string& out, bool allow_empty) {
  scalar(key, {allow_empty ? "a string" : "a non-empty string",
               [&](const std::string& text) -> std::optional<std::string> {
                 if (text.empty() && !allow_empty) return "";
                 out = text;
                 return std::nullopt;
               }});
}

void MapReader::base_url(std::string_view key, std::string& out, bool allow_empty) {
  scalar(key,
         {"an absolute https:// URL", [&](const std::string& text) -> std::optional<std::string> {
            if (!(text.empty() && allow_empty)) {
              if (auto problem = url::check_base_url(text)) return problem;
            }
            out = text;
            return std::nullopt;
          }});
}

void MapReader::endpoint(std::string_view key, Endpoint& out) {
  scalar(key, {"host:port", [&](const std::string& text) -> std::optional<std::string> {
                 auto value = parse_endpoint(text);
                 if (!value) return value.error();
                 out = *value;
                 return std::nullopt;
               }});
}

void MapReader::list(std::string_view key, std::vector<std::string>& out, const ScalarRule& rule) {
  const Entry* entry = take(key);
  if (entry == nullptr) return;
  const std::string path = path_of(key);
  if (!entry->value.IsSequence()) {
    context_.fail(path, "expected a list of " + rule.what + ", got " + describe_kind(entry->value) +
                            " (write [] for an empty list)");
    return;
  }
  std::vector<std::string> items;
  bool all_ok = true;
  for (std::size_t i = 0; i < entry->value.size(); ++i) {
    std::optional<std::string> item =
        convert(entry->value[i], path + "[" + std::to_string(i) + "]", rule);
    if (item) {
      items.push_back(std::move(*item));
    } else {
      all_ok = false;
    }
  }
  if (all_ok) out = std::move(items);
}

void MapReader::section(std::string_view key, const std::function<void(MapReader&)>& read) {
  const Entry* entry = take(key);
  MapReader nested(entry != nullptr ? entry->value : YAML::Node(), path_of(key), context_);
  read(nested);
  nested.report_unknown_keys();
}

void MapReader::each(std::string_view key,
                     const std::function<void(MapReader&, std::size_t)>& read) {
  const Entry* entry = take(key);
  if (entry == nullptr || entry->value.IsNull()) return;
  const std::string path = path_of(key);
  if (!entry->value.IsSequence()) {
    context_.fail(path, "expected a list of mappings, got " + describe_kind(entry->value) +
                            " (write [] for an empty list)");
    return;
  }
  for (std::size_t i = 0; i < entry->value.size(); ++i) {
    MapReader item(entry->value[i], path + "[" + std::to_string(i) + "]", context_);
    read(item, i);
    item.report_unknown_keys();
  }
}

void MapReader::report_unknown_keys() {
  for (const Entry& entry : entries_) {
    if (entry.known) continue;
    std::string message = "unknown key";
    std::size_t best = 3;  // suggest only near misses: one or two typos, or a truncated key
    std::string_view suggestion;
    for (const std::string& schema_key : asked_) {
      const bool truncated = entry.key.size() >= 4 && schema_key.starts_with(entry.key);
      const std::size_t distance = truncated ? 1 : edit_distance(entry.key, schema_key);
      if (distance < best) {
        best = distance;
        suggestion = schema_key;
      }
    }
    if (!suggestion.empty()) message += " (did you mean \"" + std::string(suggestion) + "\"?)";
    context_.fail(path_of(entry.key), std::move(message));
  }
}

}  // namespace sa::config
