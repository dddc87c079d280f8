#include "unit/net/test_http_server.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <mutex>
#include <thread>
#include <vector>

namespace sa::net::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct TestHttpServer::Impl {
  std::string response;
  Mode mode;
  std::optional<TlsIdentity> tls;
  asio::io_context ioc;
  asio::ssl::context ssl_ctx{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::uint16_t port = acceptor.local_endpoint().port();
  std::atomic<bool> stopping{false};
  std::atomic<int> connections{0};
  mutable std::mutex mu;
  std::string last_request;
  std::vector<tcp::socket> held;  // hang mode: accepted, never answered
  std::thread thread;

  template <class Stream>
  void answer(Stream& stream) {
    boost::system::error_code ec;
    asio::streambuf buf;
    asio::read_until(stream, buf, "\r\n\r\n", ec);
    if (ec) return;
    {
      std::lock_guard lock(mu);
      last_request.assign(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
    }
    asio::write(stream, asio::buffer(response), ec);
  }

  void serve() {
    while (true) {
      boost::system::error_code ec;
      tcp::socket socket(ioc);
      acceptor.accept(socket, ec);
      if (stopping || ec) return;
      connections.fetch_add(1);
      if (mode == Mode::hang) {
        held.push_back(std::move(socket));
        continue;
      }
      if (tls) {
        asio::ssl::stream<tcp::socket&> stream(socket, ssl_ctx);
        stream.handshake(asio::ssl::stream_base::server, ec);
        if (!ec) answer(stream);
        if (!ec) stream.shutdown(ec);
      } else {
        answer(socket);
      }
      socket.shutdown(tcp::socket::shutdown_both, ec);
      socket.close(ec);
    }
  }
};

TestHttpServer::TestHttpServer(std::string response, Mode mode, std::optional<TlsIdentity> tls)
    : impl_(std::make_unique<Impl>()) {
  impl_->response = std::move(response);
  impl_->mode = mode;
  impl_->tls = std::move(tls);
  if (impl_->tls) {
    impl_->ssl_ctx.use_certificate_chain(asio::buffer(impl_->tls->cert_pem));
    impl_->ssl_ctx.use_private_key(asio::buffer(impl_->tls->key_pem), asio::ssl::context::pem);
  }
  impl_->thread = std::thread([impl = impl_.get()] { impl->serve(); });
}

TestHttpServer::~TestHttpServer() {
  impl_->stopping = true;
  boost::system::error_code ec;
  tcp::socket wake(impl_->ioc);
  wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), impl_->port), ec);
  impl_->thread.join();
}

std::uint16_t TestHttpServer::port() const { return impl_->port; }
int TestHttpServer::connections() const { return impl_->connections.load(); }
std::string TestHttpServer::last_request() const {
  std::lock_guard lock(impl_->mu);
  return impl_->last_request;
}

std::string http_response(int status, const std::string& body, const std::string& headers) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + headers + "\r\n" + body;
}

}  // namespace sa::net::test
