// docker/compose.yaml, checked where no container engine runs: smart-auth beside the stand-in EHR
// directory, each with an exec-form healthcheck and a restart policy; smart-auth waits for the
// directory to be healthy; every file it builds from or mounts is in the repository; every
// variable it passes is defined in docker/.env; and the config it mounts for smart-auth passes
// the real binary's --check-config with exactly the environment compose gives it.
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "support/service_process.hpp"

namespace fs = std::filesystem;
using sa::test::binary_path;
using sa::test::run_command;

namespace {

fs::path docker_dir() {
  const char* source = std::getenv("SMART_AUTH_SOURCE_DIR");  // set by ctest
  REQUIRE(source != nullptr);
  return fs::path(source) / "docker";
}

YAML::Node compose() { return YAML::LoadFile((docker_dir() / "compose.yaml").string()); }

// docker/.env: the KEY=VALUE lines compose reads for ${KEY}.
std::map<std::string, std::string> dot_env() {
  std::ifstream in(docker_dir() / ".env");
  REQUIRE(in);
  std::map<std::string, std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    REQUIRE(eq != std::string::npos);
    out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

// Compose's ${KEY} interpolation from docker/.env; a KEY it does not define fails the test.
std::string interpolate(const std::string& text, const std::map<std::string, std::string>& env) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto open = text.find("${", i);
    if (open == std::string::npos) break;
    const auto close = text.find('}', open);
    REQUIRE(close != std::string::npos);
    const std::string key = text.substr(open + 2, close - open - 2);
    INFO("compose.yaml uses ${" << key << "}");
    REQUIRE(env.count(key) == 1);
    out += text.substr(i, open - i) + env.at(key);
    i = close + 1;
  }
  return out + text.substr(i);
}

struct Mount {
  std::string source, target;
  bool read_only = false;
};

std::vector<Mount> mounts(const YAML::Node& service) {
  std::vector<Mount> out;
  for (const auto& v : service["volumes"]) {
    const auto text = v.as<std::string>();
    const auto first = text.find(':');
    REQUIRE(first != std::string::npos);
    const auto second = text.find(':', first + 1);
    out.push_back({text.substr(0, first), text.substr(first + 1, second - first - 1),
                   second != std::string::npos && text.substr(second + 1) == "ro"});
  }
  return out;
}

}  // namespace

TEST_CASE("compose runs smart-auth beside the stand-in directory, both checked and restarted",
          "[compose]") {
  const auto services = compose()["services"];
  REQUIRE(services.size() == 2);
  for (const char* name : {"smart-auth", "ehr-directory"}) {
    INFO("service " << name);
    const auto service = services[name];
    REQUIRE(service.IsMap());
    const auto restart = service["restart"].as<std::string>("");
    REQUIRE((restart == "unless-stopped" || restart == "always" || restart == "on-failure"));
    // Exec form: no shell in between, and a real request, not a TCP connect.
    const auto test = service["healthcheck"]["test"];
    REQUIRE(test.IsSequence());
    REQUIRE(test[0].as<std::string>() == "CMD");
    REQUIRE(test[test.size() - 1].as<std::string>() != "");
    bool asks_health = false;
    for (const auto& word : test) asks_health |= word.as<std::string>() == "healthcheck";
    REQUIRE(asks_health);
  }
  // It starts only once the directory answers (and has made the CA smart-auth trusts).
  REQUIRE(services["smart-auth"]["depends_on"]["ehr-directory"]["condition"].as<std::string>() ==
          "service_healthy");
  REQUIRE(services["smart-auth"]["ports"][0].as<std::string>() == "8443:8443");
}

TEST_CASE("every file compose builds from or mounts is in the repository", "[compose]") {
  const auto file = compose();
  for (const auto& item : file["services"]) {
    const auto name = item.first.as<std::string>();
    INFO("service " << name);
    const fs::path context = docker_dir() / item.second["build"].as<std::string>();
    REQUIRE(fs::exists(context / "Dockerfile"));
    for (const auto& m : mounts(item.second)) {
      INFO("mount " << m.source << " -> " << m.target);
      if (m.source.rfind("./", 0) == 0) {
        REQUIRE(fs::is_regular_file(docker_dir() / m.source));
        REQUIRE(m.read_only);  // config is the operator's, never rewritten by the service
      } else {
        REQUIRE(file["volumes"][m.source].IsDefined());  // a named volume, declared
      }
    }
  }
}

TEST_CASE("the config compose mounts for smart-auth passes --check-config with compose's environment",
          "[compose][config]") {
  const auto file = compose();
  const auto env = dot_env();
  const auto service = file["services"]["smart-auth"];
  std::vector<std::string> argv{"/usr/bin/env", "-i"};  // exactly what compose passes, nothing else
  std::string config_target;
  for (const auto& item : service["environment"]) {
    const auto key = item.first.as<std::string>();
    const auto value = interpolate(item.second.as<std::string>(), env);
    if (key == "SMART_AUTH_CONFIG") config_target = value;
    argv.push_back(key + "=" + value);
  }
  REQUIRE(!config_target.empty());
  fs::path config_source;
  for (const auto& m : mounts(service)) {
    if (m.target == config_target) config_source = docker_dir() / m.source;
  }
  INFO("SMART_AUTH_CONFIG " << config_target << " is mounted from " << config_source);
  REQUIRE(fs::is_regular_file(config_source));
  argv.insert(argv.end(), {binary_path().string(), "--check-config", config_source.string()});
  auto out = run_command(argv);
  INFO(out.output);
  REQUIRE(out.status.exit_code == 0);

  SECTION("and trusts the CA the stand-in makes, through the volume both mount") {
    const auto config = YAML::LoadFile(config_source.string());
    REQUIRE(config["directory"]["adapter"].as<std::string>() == "http");
    REQUIRE(config["directory"]["http"]["base_url"].as<std::string>() ==
            "https://ehr-directory:8444");  // the service's name; ehr_directory.py's port
    const fs::path ca_file = config["directory"]["http"]["ca_file"].as<std::string>();
    std::string shared_volume;
    for (const auto& m : mounts(service)) {
      if (m.target == ca_file.parent_path().string()) shared_volume = m.source;
    }
    REQUIRE(!shared_volume.empty());
    bool directory_writes_it = false;
    for (const auto& m : mounts(file["services"]["ehr-directory"])) {
      directory_writes_it |= m.source == shared_volume && m.target == "/tls" && !m.read_only;
    }
    REQUIRE(directory_writes_it);  // ehr-directory/Dockerfile: --tls-dir /tls
    REQUIRE(ca_file.filename() == "ca.pem");
  }
}

TEST_CASE("the stand-in directory and smart-auth share the bearer token compose passes them",
          "[compose]") {
  const auto services = compose()["services"];
  const auto token = services["ehr-directory"]["environment"]["EHR_DIRECTORY_TOKEN"];
  REQUIRE(token.IsDefined());
  REQUIRE(services["smart-auth"]["environment"]["EHR_DIRECTORY_TOKEN"].as<std::string>() ==
          token.as<std::string>());
}
