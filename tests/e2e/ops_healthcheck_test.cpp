// `smart-auth healthcheck` (issue 9 "Operator commands"), the container's HEALTHCHECK: the real
// binary asks a real server's /healthz over HTTPS verified against the generated CA named by the
// config, and fails when the certificate is not trusted or nothing listens.
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <string>

#include "e2e/running_service.hpp"
#include "support/service_process.hpp"

namespace sa::test {
namespace {

CommandOutput healthcheck(std::vector<std::string> args) {
  std::vector<std::string> argv{binary_path().string(), "healthcheck"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

std::string local_url(std::uint16_t port) {
  return "https://127.0.0.1:" + std::to_string(port) + "/healthz";
}

TEST_CASE("healthcheck exits 0 on a running server's 200, trusting the CA the config names",
          "[ops][healthcheck]") {
  RunningService service;
  const std::string config = (service.dir.path() / "smart-auth.yaml").string();
  auto out = healthcheck({"--config", config, "--url", local_url(service.process.https_port())});
  INFO(out.output);
  CHECK(out.status.exit_code == 0);
  CHECK(out.output.find("healthy") != std::string::npos);

  // Verification stays on: a CA bundle that did not sign the server's certificate fails it.
  auto untrusted = healthcheck({"--url", local_url(service.process.https_port()), "--ca",
                                "/etc/ssl/certs/ca-certificates.crt"});
  INFO(untrusted.output);
  CHECK(untrusted.status.exit_code == 1);
  CHECK(untrusted.output.find("tls_failed") != std::string::npos);

  // --ca given explicitly, no config needed.
  auto explicit_ca = healthcheck({"--url", local_url(service.process.https_port()), "--ca",
                                  service.process.ca_file().string()});
  INFO(explicit_ca.output);
  CHECK(explicit_ca.status.exit_code == 0);

  const auto port = service.process.https_port();
  REQUIRE(service.process.stop(SIGTERM).exit_code == 0);
  auto stopped = healthcheck({"--config", config, "--url", local_url(port)});
  INFO(stopped.output);
  CHECK(stopped.status.exit_code == 1);
  CHECK(stopped.output.find("connect_failed") != std::string::npos);
}

TEST_CASE("healthcheck answers --help and names a bad argument", "[ops][healthcheck]") {
  auto help = healthcheck({"--help"});
  CHECK(help.status.exit_code == 0);
  CHECK(help.output.find("usage: smart-auth healthcheck") != std::string::npos);

  auto bad = healthcheck({"--port", "8443"});
  CHECK(bad.status.exit_code == 2);
  CHECK(bad.output.find("unknown argument --port") != std::string::npos);

  auto no_value = healthcheck({"--url"});
  CHECK(no_value.status.exit_code == 2);
  CHECK(no_value.output.find("--url needs a value") != std::string::npos);

  // The test config listens on port 0: there is no address to derive, so --url is required.
  TempDir dir;
  const auto config = dir.path() / "smart-auth.yaml";
  { std::ofstream(config) << test_config_yaml(dir.path()); }
  auto ephemeral = healthcheck({"--config", config.string()});
  INFO(ephemeral.output);
  CHECK(ephemeral.status.exit_code == 2);
  CHECK(ephemeral.output.find("server.listen.port is 0") != std::string::npos);
}

}  // namespace
}  // namespace sa::test
