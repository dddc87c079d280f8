// Process lifecycle: config validation at start, --check-config, signals, health and metrics,
// log format.
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "e2e/running_service.hpp"

using namespace sa::test;

namespace {
CommandOutput run_with_config(const TempDir& dir, const std::string& yaml,
                              const std::string& flag = "--config") {
  auto path = dir.path() / "config.yaml";
  std::ofstream(path) << yaml;
  return run_command({binary_path().string(), flag, path.string()});
}
}  // namespace

TEST_CASE("a bad config stops start-up with exit 2 and one line per problem naming the key",
          "[config]") {
  TempDir dir;
  auto out = run_with_config(dir,
                             "server:\n  listen: \"8443x\"\n  threads: -1\n"
                             "store:\n  pathh: \"x\"\n");
  REQUIRE(out.status.exit_code == 2);
  REQUIRE(out.output.find("server.listen: expected host:port, got \"8443x\"") != std::string::npos);
  REQUIRE(out.output.find("server.threads") != std::string::npos);
  REQUIRE(out.output.find("store.pathh") != std::string::npos);
}

TEST_CASE("--check-config validates without starting", "[config]") {
  TempDir dir;
  auto good = run_with_config(dir, test_config_yaml(dir.path()), "--check-config");
  INFO(good.output);
  REQUIRE(good.status.exit_code == 0);
  REQUIRE_FALSE(std::filesystem::exists(dir.path() / "data"));  // nothing created
  auto bad = run_with_config(dir, "log:\n  level: loud\n", "--check-config");
  REQUIRE(bad.status.exit_code == 2);
  REQUIRE(bad.output.find("log.level") != std::string::npos);
}

TEST_CASE("the shipped config passes --check-config", "[config]") {
  std::string source = std::getenv("SMART_AUTH_SOURCE_DIR");
  auto out = run_command({binary_path().string(), "--check-config",
                          source + "/config/smart-auth.yaml"});
  INFO(out.output);
  REQUIRE(out.status.exit_code == 0);
}

TEST_CASE("the container config passes --check-config once its URLs are given", "[config]") {
  std::string source = std::getenv("SMART_AUTH_SOURCE_DIR");
  const std::string config = source + "/docker/smart-auth.yaml";
  ::unsetenv("SMART_AUTH_PUBLIC_URL");
  auto missing = run_command({binary_path().string(), "--check-config", config});
  REQUIRE(missing.status.exit_code == 2);
  REQUIRE(missing.output.find("SMART_AUTH_PUBLIC_URL") != std::string::npos);
  ::setenv("SMART_AUTH_PUBLIC_URL", "https://auth.example.org", 1);
  ::setenv("SMART_AUTH_FHIR_BASE_URL", "https://ehr.example.org/fhir", 1);
  auto ok = run_command({binary_path().string(), "--check-config", config});
  INFO(ok.output);
  REQUIRE(ok.status.exit_code == 0);
}

TEST_CASE("a secret given as ${ENV} that is not set is reported by key and variable",
          "[config]") {
  TempDir dir;
  auto out = run_with_config(dir, "server:\n  tls:\n    cert: \"${SA_TEST_UNSET_CERT}\"\n"
                                  "    key: \"/tmp/k.pem\"\n");
  REQUIRE(out.status.exit_code == 2);
  REQUIRE(out.output.find("server.tls.cert") != std::string::npos);
  REQUIRE(out.output.find("SA_TEST_UNSET_CERT") != std::string::npos);
}

TEST_CASE("SIGTERM and SIGINT stop the service with exit 0, even with an idle client",
          "[lifecycle]") {
  for (int sig : {SIGTERM, SIGINT}) {
    RunningService svc;
    REQUIRE(svc.client->get("/healthz").status == 200);  // leaves a keep-alive connection open
    auto result = svc.process.stop(sig, std::chrono::seconds(5));
    INFO(svc.process.log());
    REQUIRE(result.exited);
    REQUIRE(result.exit_code == 0);
  }
}

TEST_CASE("healthz answers while the store answers", "[ops]") {
  RunningService svc;
  auto res = svc.client->get("/healthz");
  REQUIRE(res.status == 200);
  REQUIRE(std::string(parse_json(res.body)["status"].GetString()) == "ok");
}

TEST_CASE("metrics count requests by route and status in Prometheus text", "[ops]") {
  RunningService svc;
  svc.client->get("/.well-known/jwks.json");
  svc.client->get("/nope");
  auto res = svc.client->get("/metrics");
  REQUIRE(res.status == 200);
  REQUIRE(res.header("Content-Type").value().rfind("text/plain", 0) == 0);
  REQUIRE(res.body.find("smart_auth_http_requests_total{route=\"jwks\",method=\"GET\",status=\"200\"} 1") !=
          std::string::npos);
  REQUIRE(res.body.find("route=\"unmatched\",method=\"GET\",status=\"404\"") != std::string::npos);
  REQUIRE(res.body.find("smart_auth_http_request_duration_seconds_bucket{route=\"jwks\",le=\"+Inf\"} 1") !=
          std::string::npos);
}

TEST_CASE("every log line on stdout is a JSON object and none carries the query string",
          "[ops][logging]") {
  RunningService svc;
  svc.client->get("/healthz?secret_value=hunter2");
  svc.process.stop(SIGTERM);
  std::istringstream log(svc.process.log());
  std::string line;
  int json_lines = 0;
  bool saw_access = false;
  int lines = 0;
  while (std::getline(log, line)) {
    // The captured output is stdout and stderr together: the secret must be in neither, so every
    // line is searched before the non-JSON (stderr banner) lines are set aside.
    ++lines;
    INFO(line);
    REQUIRE(line.find("hunter2") == std::string::npos);
    if (line.empty() || line[0] != '{') continue;  // the human banner goes to stderr
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    REQUIRE_FALSE(doc.HasParseError());
    REQUIRE(doc.HasMember("ts"));
    REQUIRE(doc.HasMember("channel"));
    ++json_lines;
    if (std::string(doc["channel"].GetString()) == "access") {
      saw_access = true;
      REQUIRE(doc.HasMember("request_id"));
    }
  }
  REQUIRE(json_lines > 3);
  REQUIRE(lines > json_lines);  // the stderr lines were searched too
  REQUIRE(saw_access);
}

TEST_CASE("the listening line names the allocator serving malloc", "[ops][logging]") {
  RunningService svc;
  svc.process.stop(SIGTERM);
  std::istringstream log(svc.process.log());
  std::string line, allocator;
  while (std::getline(log, line)) {
    if (line.find("\"listening\"") == std::string::npos || line[0] != '{') continue;
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    REQUIRE_FALSE(doc.HasParseError());
    REQUIRE(doc.HasMember("allocator"));
    allocator = doc["allocator"].GetString();
  }
  INFO(allocator);
  // A linked mimalloc that malloc() does not reach would say so.
  CHECK(allocator.find("not serving") == std::string::npos);
  if (std::getenv("SMART_AUTH_BINARY") != nullptr) {
    CHECK((allocator == "glibc malloc" || allocator.starts_with("mimalloc ")));  // sanitized
  } else if (SMART_AUTH_EXPECT_MIMALLOC) {
    CHECK(allocator.starts_with("mimalloc 2."));  // this tree's binary (SMART_AUTH_MIMALLOC)
  } else {
    CHECK(allocator == "glibc malloc");
  }
}

TEST_CASE("the plain HTTP listener is off by default and warns loudly when on", "[lifecycle]") {
  RunningService off;
  REQUIRE_FALSE(off.process.http_port().has_value());
  RunningService on("  plain_http:\n    enabled: true\n    listen: \"127.0.0.1:0\"\n");
  REQUIRE(on.process.http_port().has_value());
  REQUIRE(on.process.log().find("plain HTTP listener is ON") != std::string::npos);
}

TEST_CASE("the generated certificate also covers the public_base_url host, name or IP literal",
          "[lifecycle][tls]") {
  // The host comes from url/'s split of the base URL: an IPv6 literal is not a loopback host
  // just for being in brackets, and a name keeps no port.
  auto [base, host, is_ip] = GENERATE(table<std::string, std::string, bool>({
      {"https://Auth.Example.test:9443/smart", "auth.example.test", false},
      {"https://[2001:db8::5]:8443", "2001:db8::5", true},
      {"https://192.0.2.7", "192.0.2.7", true},
  }));
  CAPTURE(base);
  RunningService svc("  public_base_url: \"" + base + "\"\n");
  std::ifstream in(svc.dir.path() / "data" / "tls" / "server.pem");
  std::stringstream pem;
  pem << in.rdbuf();
  const std::string text = pem.str();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(text.data(), -1), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  REQUIRE(cert);
  if (is_ip) {
    CHECK(X509_check_ip_asc(cert.get(), host.c_str(), 0) == 1);
  } else {
    CHECK(X509_check_host(cert.get(), host.data(), host.size(), 0, nullptr) == 1);
  }
  CHECK(X509_check_host(cert.get(), "localhost", 0, 0, nullptr) == 1);
  CHECK(X509_check_ip_asc(cert.get(), "::1", 0) == 1);
}
