#include "support/local_https_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "crypto/certs.hpp"
#include "crypto/random.hpp"

namespace sa::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct LocalHttpsServer::Impl {
  asio::io_context ioc;
  asio::ssl::context ctx{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::atomic<int> requests{0};
  std::mutex mutex;
  std::string body = R"({"keys":[]})";
  std::string cache_control = "max-age=300";
  std::string ca_path;
  std::uint16_t port = 0;

  void serve_one(tcp::socket socket) {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), ctx);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
    beast::error_code ec;
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (ec) return;
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    bhttp::read(stream, buffer, req, ec);
    if (ec) return;
    requests.fetch_add(1);
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
    {
      std::lock_guard lock(mutex);
      res.body() = body;
      res.set(bhttp::field::cache_control, cache_control);
    }
    res.set(bhttp::field::content_type, "application/json");
    res.keep_alive(false);
    res.prepare_payload();
    bhttp::write(stream, res, ec);
    stream.shutdown(ec);
  }
};

LocalHttpsServer::LocalHttpsServer(const std::filesystem::path& dir)
    : impl_(std::make_unique<Impl>()) {
  crypto::OpenSslRandom random;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto ca = crypto::generate_ca({"jwks test CA"}, random, now);
  if (!ca) throw std::runtime_error("cannot make the test CA");
  auto cert = crypto::generate_server_cert(*ca, {}, random, now);
  if (!cert) throw std::runtime_error("cannot make the test certificate");
  impl_->ca_path = (dir / "jwks-ca.pem").string();
  std::ofstream(impl_->ca_path) << ca->cert_pem;
  impl_->ctx.use_certificate_chain(asio::buffer(cert->cert_pem + ca->cert_pem));
  impl_->ctx.use_private_key(asio::buffer(cert->key_pem), asio::ssl::context::pem);

  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->thread = std::thread([impl = impl_.get()] {
    while (!impl->stopping.load()) {
      beast::error_code ec;
      tcp::socket socket(impl->ioc);
      impl->acceptor.accept(socket, ec);
      if (ec || impl->stopping.load()) break;
      impl->serve_one(std::move(socket));
    }
  });
}

LocalHttpsServer::~LocalHttpsServer() {
  impl_->stopping.store(true);
  // Wake the blocking accept with a connection of our own.
  beast::error_code ec;
  tcp::socket poke(impl_->ioc);
  poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), impl_->port), ec);
  impl_->thread.join();
}

void LocalHttpsServer::set_document(std::string body, std::string cache_control) {
  std::lock_guard lock(impl_->mutex);
  impl_->body = std::move(body);
  impl_->cache_control = std::move(cache_control);
}

std::string LocalHttpsServer::url(const std::string& path) const {
  return "https://localhost:" + std::to_string(impl_->port) + path;
}

std::string LocalHttpsServer::ca_file() const { return impl_->ca_path; }

int LocalHttpsServer::requests() const { return impl_->requests.load(); }

}  // namespace sa::test
