#include "app/ops_healthcheck.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <future>

#include "app/cli.hpp"
#include "app/paths.hpp"
#include "net/fetcher.hpp"
#include "url/rules.hpp"

namespace sa::app {
namespace {

constexpr const char* kUsage =
    "usage: smart-auth healthcheck [--config PATH] [--url URL] [--ca PATH]\n"
    "  GET /healthz over HTTPS and exit 0 only on 200 (1 otherwise, 2 on bad usage).\n"
    "  --url  default: https://<server.listen>/healthz, loopback when listening on 0.0.0.0/::\n"
    "  --ca   default: <data_dir>/tls/ca.pem for the generated certificate; with\n"
    "         server.tls.cert_file, the system trust store, and the certificate must name the\n"
    "         host of server.public_base_url\n";

constexpr cli::FlagSpec kFlags[] = {{"--config"}, {"--url"}, {"--ca"}};

// Where a client on this host reaches the listener: a wildcard address means "every interface",
// of which loopback is the one always there.
std::string local_host(const std::string& listen_host) {
  if (listen_host == "0.0.0.0" || listen_host.empty()) return "127.0.0.1";
  if (listen_host == "::" || listen_host == "[::]") return "[::1]";
  if (listen_host.find(':') != std::string::npos && listen_host.front() != '[') {
    return "[" + listen_host + "]";
  }
  return listen_host;
}

}  // namespace

int healthcheck_command(std::span<const std::string> argv) {
  if (cli::wants_help(argv)) return std::printf("%s", kUsage), cli::kOk;
  auto args = cli::parse(argv, kFlags, 0);
  if (!args) return cli::usage_error("healthcheck", args.error(), kUsage);

  net::FetchRequest request;
  std::string ca = args->value("--ca").value_or("");
  if (auto url = args->value("--url")) request.url = *url;
  // The config is read only for what the flags leave open.
  if (request.url.empty() || ca.empty()) {
    auto config = cli::load_config(args->config_path());
    if (!config) return cli::kBadUsage;
    const auto& server = config->server;
    if (request.url.empty()) {
      if (server.listen.port == 0) {
        return cli::usage_error("healthcheck",
                                "server.listen.port is 0 (ephemeral): pass --url", kUsage);
      }
      request.url = "https://" + local_host(server.listen.host) + ":" +
                    std::to_string(server.listen.port) + std::string(paths::kHealth);
      if (!server.tls.cert_file.empty()) {
        // A configured certificate names the public host, not the loopback address we dial.
        auto base = url::split_base_url(server.public_base_url);
        if (base && base->host_kind == url::HostKind::name) request.verify_host = base->host;
      }
    }
    if (ca.empty() && server.tls.cert_file.empty()) {
      ca = (std::filesystem::path(config->data_dir) / "tls" / "ca.pem").string();
    }
  }
  if (!ca.empty() && !std::filesystem::exists(ca)) {
    return cli::failure("healthcheck", "no CA file " + ca + " (has the server started once?)");
  }

  const std::string target = request.url;
  net::FetchResult result;
  try {
    // The listener is on this host: loopback and private addresses are what we expect to dial.
    net::Fetcher fetcher(net::FetcherSettings{.timeout_ms = 3'000,
                                              .max_bytes = 4 * 1024,
                                              .allow_loopback = true,
                                              .ca_file = ca,
                                              .allow_private = true});
    std::promise<net::FetchResult> done;
    auto answer = done.get_future();
    fetcher.fetch(std::move(request), [&done](net::FetchResult r) { done.set_value(std::move(r)); });
    result = answer.get();
  } catch (const std::exception& e) {
    return cli::failure("healthcheck", "cannot use CA file " + ca + ": " + e.what());
  }
  if (result.status == net::FetchStatus::ok) {
    std::printf("healthy: %s answered 200\n", target.c_str());
    return cli::kOk;
  }
  std::string why(net::to_string(result.status));
  if (result.http_status != 0) why += " (HTTP " + std::to_string(result.http_status) + ")";
  return cli::failure("healthcheck", "unhealthy: " + target + ": " + why);
}

}  // namespace sa::app
