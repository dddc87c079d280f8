// Internal to the loader: the schema. Names every YAML key, its type and its limits, in one
// place, and the checks that span several keys. The reference tables in README.md ("Configuration")
// mirrors this file.
#pragma once

#include "config/map_reader.hpp"

namespace sa::config {

// The `directory:` section (schema_directory.cpp).
void read_directory(MapReader& in, const LoadContext& context, DirectorySettings& out);

// Fills `config` from the top-level mapping; problems go to `context`.
void read_config(const YAML::Node& root, const LoadContext& context, Config& config);

}  // namespace sa::config
