#include "support/local_https_server.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <fstream>
#include <map>
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

namespace {

std::string client_subject(SSL* ssl) {
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr) return "";
  char text[256];
  X509_NAME_oneline(X509_get_subject_name(peer), text, sizeof text);
  return text;
}

}  // namespace

std::optional<std::string> RecordedRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (beast::iequals(key, name)) return value;
  }
  return std::nullopt;
}

struct LocalHttpsServer::Impl {
  asio::io_context ioc;
  asio::ssl::context ctx{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::atomic<int> requests{0};
  std::mutex mutex;
  std::condition_variable stop_signal;
  std::map<std::pair<std::string, std::string>, CannedAnswer> answers;  // (method, path)
  std::vector<RecordedRequest> recorded;
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
    RecordedRequest seen{std::string(req.method_string()),
                         std::string(req.target()),
                         {},
                         req.body(),
                         client_subject(stream.native_handle())};
    for (const auto& field : req) {
      seen.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    std::string path(req.target().substr(0, req.target().find('?')));
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
    {
      std::unique_lock lock(mutex);
      recorded.push_back(std::move(seen));
      auto canned = answers.find({std::string(req.method_string()), path});
      if (canned == answers.end()) {
        res.body() = body;
        res.set(bhttp::field::cache_control, cache_control);
      } else {
        res.result(static_cast<unsigned>(canned->second.status));
        res.body() = canned->second.body;
        // A slow server: the wait ends early only when the server is being destroyed.
        stop_signal.wait_for(lock, canned->second.delay, [this] { return stopping.load(); });
      }
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
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping.store(true);
  }
  impl_->stop_signal.notify_all();
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

void LocalHttpsServer::set_answer(std::string method, std::string path, CannedAnswer answer) {
  std::lock_guard lock(impl_->mutex);
  impl_->answers[{std::move(method), std::move(path)}] = std::move(answer);
}

void LocalHttpsServer::require_client_certificate(const std::string& ca_file) {
  impl_->ctx.load_verify_file(ca_file);
  impl_->ctx.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  // The chain is still verified; only the purpose check is relaxed, because the test leaves
  // carry EKU serverAuth alone (crypto::generate_server_cert).
  SSL_CTX_set_purpose(impl_->ctx.native_handle(), X509_PURPOSE_ANY);
}

std::vector<RecordedRequest> LocalHttpsServer::recorded() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->recorded;
}

std::string LocalHttpsServer::url(const std::string& path) const {
  return "https://localhost:" + std::to_string(impl_->port) + path;
}

std::string LocalHttpsServer::ca_file() const { return impl_->ca_path; }

int LocalHttpsServer::requests() const { return impl_->requests.load(); }

}  // namespace sa::test
