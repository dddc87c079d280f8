// `smart-auth healthcheck` (issue 9 "Operator commands"), the container's HEALTHCHECK: the real
// binary asks a real server's /healthz over HTTPS verified against the generated CA named by the
// config, and fails when the certificate is not trusted or nothing listens.
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <ctime>
#include <string>

#include "crypto/certs.hpp"
#include "crypto/random.hpp"
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

  // Verification stays on: a CA that did not sign the server's certificate fails it.
  crypto::OpenSslRandom random;
  const auto other_ca = service.dir.path() / "other-ca.pem";
  {
    std::ofstream(other_ca)
        << crypto::generate_ca({}, random, static_cast<std::int64_t>(std::time(nullptr)) - 60)
               .value()
               .cert_pem;
  }
  auto untrusted = healthcheck(
      {"--url", local_url(service.process.https_port()), "--ca", other_ca.string()});
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

// With server.tls.cert the certificate names the public host: healthcheck dials the
// loopback listener and checks the certificate against server.public_base_url's host.
TEST_CASE("with a configured certificate healthcheck verifies the public host name",
          "[ops][healthcheck]") {
  TempDir dir;
  crypto::OpenSslRandom random;
  const auto now = static_cast<std::int64_t>(std::time(nullptr)) - 60;
  auto ca = crypto::generate_ca({}, random, now).value();
  auto leaf = crypto::generate_server_cert(
                  ca, {.common_name = "auth.example.org", .extra_dns_names = {"auth.example.org"}},
                  random, now)
                  .value();
  const auto ca_file = dir.path() / "ehr-ca.pem";
  { std::ofstream(ca_file) << ca.cert_pem; }
  { std::ofstream(dir.path() / "cert.pem") << leaf.cert_pem << ca.cert_pem; }
  { std::ofstream(dir.path() / "key.pem") << leaf.key_pem; }
  auto yaml = [&](const std::string& public_host) {
    return test_config_yaml(dir.path(),
                            "  public_base_url: https://" + public_host + "\n"
                            "  tls:\n    cert: " + (dir.path() / "cert.pem").string() +
                                "\n    key: " + (dir.path() / "key.pem").string() + "\n");
  };
  ServiceProcess server(dir.path(), yaml("auth.example.org"));
  const bool ready = server.wait_ready();
  INFO(server.log());
  REQUIRE(ready);
  const auto config = (dir.path() / "smart-auth.yaml").string();
  const auto url = local_url(server.https_port());

  auto named = healthcheck({"--config", config, "--url", url, "--ca", ca_file.string()});
  INFO(named.output);
  CHECK(named.status.exit_code == 0);

  // The same listener judged for a public host the certificate does not name fails.
  const auto other = dir.path() / "other.yaml";
  { std::ofstream(other) << yaml("other.example.org"); }
  auto wrong = healthcheck({"--config", other.string(), "--url", url, "--ca", ca_file.string()});
  INFO(wrong.output);
  CHECK(wrong.status.exit_code == 1);
  CHECK(wrong.output.find("tls_failed") != std::string::npos);
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
