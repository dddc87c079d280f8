#include "app/tls_material.hpp"

#include <filesystem>

#include "crypto/certs.hpp"
#include "crypto/files.hpp"
#include "crypto/random.hpp"
#include "url/rules.hpp"

namespace sa::app {
namespace fs = std::filesystem;
namespace {

// The generated certificate must also cover the host of public_base_url, the one clients are told
// to use. Loopback hosts need nothing: certs.cpp always puts localhost, 127.0.0.1 and ::1 in.
void add_public_host(const std::string& base_url, crypto::ServerCertOptions& options) {
  auto parts = url::split_base_url(base_url);  // the config loader has checked it already
  if (!parts || url::is_loopback_host(parts->host)) return;
  auto& names = parts->host_kind == url::HostKind::name ? options.extra_dns_names
                                                        : options.extra_ip_addresses;
  names.push_back(parts->host);
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
    add_public_host(config.server.public_base_url, options);
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
