// Every key of the shipped config is documented in README.md, so the reference cannot drift
// from what the loader accepts (the shipped file itself is checked by loader_test.cpp).
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string source_dir() {
  const char* dir = std::getenv("SMART_AUTH_SOURCE_DIR");
  REQUIRE(dir != nullptr);
  return dir;
}

void collect(const YAML::Node& node, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& item : node) {
    std::string key = prefix.empty() ? item.first.as<std::string>()
                                     : prefix + "." + item.first.as<std::string>();
    if (item.second.IsMap()) {
      collect(item.second, key, out);
    } else {
      out.push_back(key);
    }
  }
}

}  // namespace

TEST_CASE("every key in config/smart-auth.yaml is documented in README", "[config][docs]") {
  std::vector<std::string> keys;
  collect(YAML::LoadFile(source_dir() + "/config/smart-auth.yaml"), "", keys);
  REQUIRE(keys.size() > 30);
  std::ifstream in(source_dir() + "/README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  for (const auto& key : keys) {
    INFO(key);
    CHECK(readme.str().find("`" + key + "`") != std::string::npos);
  }
  // Static client items are commented out in the shipped file; their keys are listed here.
  for (const char* key : {"client_id", "client_name", "token_endpoint_auth_method",
                          "client_secret", "redirect_uris", "grant_types", "scope", "jwks",
                          "jwks_uri", "launch_uri", "pre_approved"}) {
    INFO(key);
    CHECK(readme.str().find(std::string("| `") + key + "` |") != std::string::npos);
  }
}
