#include "app/tls_material.hpp"

#include <filesystem>

#include "crypto/certs.hpp"
#include "crypto/files.hpp"
#include "crypto/random.hpp"

namespace sa::app {
namespace fs = std::filesystem;
namespace {

// The host of public_base_url, when it is a name other than localhost: the generated server
// certificate must cover it too.
std::string public_host(const std::string& base_url) {
  auto start = base_url.find("://");
  if (start == std::string::npos) return {};
  std::string rest = base_url.substr(start + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (!rest.empty() && rest.front() == '[') return {};  // IPv6 literal: loopback only here
  rest = rest.substr(0, rest.find(':'));
  return rest;
}

bool is_ipv4(const std::string& host) {
  return !host.empty() && host.find_first_not_of("0123456789.") == std::string::npos;
}

Expected<std::string, std::string> load(const std::string& path, const std::string& what) {
  auto pem = crypto::load_pem_file(path);
  if (!pem) {
    return unexpected(what + ": cannot read " + path + " (" +
                      std::string(crypto::to_string(pem.error())) + ")");
  }
  return std::move(pem).value();
}

}  // namespace

Expected<TlsSetup, std::string> prepare_tls(const config::Config& config, const Clock& clock) {
  TlsSetup setup;
  const auto& tls = config.server.tls;
  if (!tls.cert_file.empty()) {
    auto cert = load(tls.cert_file, "server.tls.cert");
    if (!cert) return unexpected(cert.error());
    auto key = load(tls.key_file, "server.tls.key");
    if (!key) return unexpected(key.error());
    setup.material = {*cert, *key};
    return setup;
  }

  const fs::path dir = fs::path(config.data_dir) / "tls";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return unexpected("cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  const std::string ca_cert = (dir / "ca.pem").string(), ca_key = (dir / "ca-key.pem").string();
  const std::string cert = (dir / "server.pem").string(), key = (dir / "server-key.pem").string();
  crypto::OpenSslRandom random;

  crypto::CertAndKeyPem ca;
  if (fs::exists(ca_cert) && fs::exists(ca_key)) {
    auto c = load(ca_cert, "local CA");
    auto k = load(ca_key, "local CA key");
    if (!c || !k) return unexpected(!c ? c.error() : k.error());
    ca = {*c, *k};
  } else {
    auto generated = crypto::generate_ca({}, random, clock.now_seconds());
    if (!generated) {
      return unexpected("cannot generate the local CA: " +
                        std::string(crypto::to_string(generated.error())));
    }
    ca = std::move(generated).value();
    if (crypto::write_file_private(ca_key, ca.key_pem) != crypto::FileStatus::Ok ||
        crypto::write_file_private(ca_cert, ca.cert_pem) != crypto::FileStatus::Ok) {
      return unexpected("cannot write the local CA under " + dir.string());
    }
    fs::remove(cert, ec);  // a new CA invalidates any old server certificate
    setup.generated = true;
  }

  if (fs::exists(cert) && fs::exists(key)) {
    auto c = load(cert, "server certificate");
    auto k = load(key, "server key");
    if (!c || !k) return unexpected(!c ? c.error() : k.error());
    setup.material = {*c + ca.cert_pem, *k};
  } else {
    crypto::ServerCertOptions options;
    std::string host = public_host(config.server.public_base_url);
    if (!host.empty() && host != "localhost" && host != "127.0.0.1") {
      (is_ipv4(host) ? options.extra_ip_addresses : options.extra_dns_names).push_back(host);
    }
    auto server = crypto::generate_server_cert(ca, options, random, clock.now_seconds());
    if (!server) {
      return unexpected("cannot generate the server certificate: " +
                        std::string(crypto::to_string(server.error())));
    }
    if (crypto::write_file_private(key, server->key_pem) != crypto::FileStatus::Ok ||
        crypto::write_file_private(cert, server->cert_pem) != crypto::FileStatus::Ok) {
      return unexpected("cannot write the server certificate under " + dir.string());
    }
    setup.material = {server->cert_pem + ca.cert_pem, server->key_pem};
    setup.generated = true;
  }
  setup.ca_file = fs::absolute(ca_cert).string();
  return setup;
}

}  // namespace sa::app
