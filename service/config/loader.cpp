#include "config/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/schema.hpp"

namespace sa::config {
namespace {

constexpr std::size_t kMaxFileBytes = std::size_t{1024} * 1024;

LoadResult single_error(std::string message) {
  LoadResult result;
  result.errors.push_back({"", std::move(message)});
  return result;
}

}  // namespace

LoadResult load_config_file(const std::string& path, const EnvLookup& env) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return single_error("cannot read config file \"" + path + "\": it is a directory");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return single_error("cannot open config file \"" + path + "\": " + std::strerror(errno));
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return single_error("cannot read config file \"" + path + "\"");
  if (contents.str().size() > kMaxFileBytes) {
    return single_error("config file \"" + path + "\" is larger than 1 MiB");
  }
  return load_config_text(contents.str(), env);
}

LoadResult load_config_text(std::string_view yaml, const EnvLookup& env) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    // yaml-cpp counts lines and columns from 0.
    return single_error("YAML syntax error at line " + std::to_string(e.mark.line + 1) +
                        ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (root.IsDefined() && !root.IsNull() && !root.IsMap()) {
    return single_error("the top level must be a mapping of sections (server:, store:, ...)");
  }

  LoadResult result;
  Config config;
  const LoadContext context{env, result.errors};
  try {
    read_config(root, context, config);
  } catch (const YAML::Exception& e) {
    context.fail("", std::string("unexpected YAML error: ") + e.what());
  }
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

std::string format_error(const ConfigError& error) {
  if (error.key_path.empty()) return error.message;
  return error.key_path + ": " + error.message;
}

}  // namespace sa::config
