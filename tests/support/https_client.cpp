#include "support/https_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <stdexcept>

namespace sa::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {
bool iequal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

void configure_verify(asio::ssl::context& ctx, const std::string& ca_file) {
  ctx.set_verify_mode(asio::ssl::verify_peer);
  if (ca_file.empty()) {
    ctx.set_default_verify_paths();
  } else {
    ctx.load_verify_file(ca_file);
  }
}
}  // namespace

std::optional<std::string> HttpResponse::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (iequal(k, name)) return v;
  }
  return std::nullopt;
}

struct HttpsClient::Impl {
  std::uint16_t port;
  std::string host;
  asio::io_context ioc;
  asio::ssl::context ctx{asio::ssl::context::tls_client};
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;

  void connect() {
    stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, ctx);
    SSL_set_tlsext_host_name(stream->native_handle(), host.c_str());
    stream->set_verify_callback(asio::ssl::host_name_verification(host));
    auto& lowest = beast::get_lowest_layer(*stream);
    lowest.expires_after(std::chrono::seconds(10));
    lowest.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream->handshake(asio::ssl::stream_base::client);
    buffer.clear();
  }
};

HttpsClient::HttpsClient(std::uint16_t port, std::string ca_file, std::string host)
    : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->host = std::move(host);
  configure_verify(impl_->ctx, ca_file);
}

HttpsClient::~HttpsClient() = default;

HttpResponse HttpsClient::request(const std::string& method, const std::string& target,
                                  std::vector<std::pair<std::string, std::string>> headers,
                                  std::string body) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool fresh = false;
    if (!impl_->stream) {
      impl_->connect();
      fresh = true;
    }
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, impl_->host + ":" + std::to_string(impl_->port));
    for (auto& [k, v] : headers) req.insert(k, v);
    req.body() = body;
    if (!body.empty() || method == "POST" || method == "PUT") req.prepare_payload();
    req.keep_alive(true);
    auto& lowest = beast::get_lowest_layer(*impl_->stream);
    lowest.expires_after(std::chrono::seconds(30));
    beast::error_code ec;
    bhttp::write(*impl_->stream, req, ec);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (method == "HEAD") parser.skip(true);
    if (!ec) bhttp::read(*impl_->stream, impl_->buffer, parser, ec);
    if (ec) {
      impl_->stream.reset();
      if (!fresh) continue;  // the server closed an idle keep-alive connection: retry once
      throw std::runtime_error("HTTPS request failed: " + ec.message());
    }
    auto msg = parser.release();
    HttpResponse res;
    res.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg) res.headers.emplace_back(f.name_string(), f.value());
    res.body = std::move(msg.body());
    if (!msg.keep_alive()) impl_->stream.reset();
    return res;
  }
  throw std::runtime_error("HTTPS request failed twice");
}

HttpResponse HttpsClient::post_form(const std::string& target, std::string body,
                                    std::vector<std::pair<std::string, std::string>> headers) {
  headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return request("POST", target, std::move(headers), std::move(body));
}

std::string HttpsClient::tls_version() {
  if (!impl_->stream) impl_->connect();
  return SSL_get_version(impl_->stream->native_handle());
}

struct RawTlsConnection::Impl {
  asio::io_context ioc;
  asio::ssl::context ctx{asio::ssl::context::tls_client};
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
  std::string error;
};

RawTlsConnection::RawTlsConnection(std::uint16_t port, std::string ca_file,
                                   std::optional<int> max_tls_version)
    : impl_(std::make_unique<Impl>()) {
  configure_verify(impl_->ctx, ca_file);
  if (max_tls_version) {
    SSL_CTX_set_min_proto_version(impl_->ctx.native_handle(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(impl_->ctx.native_handle(), *max_tls_version);
    SSL_CTX_set_security_level(impl_->ctx.native_handle(), 0);
  }
  impl_->stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(impl_->ioc, impl_->ctx);
  SSL_set_tlsext_host_name(impl_->stream->native_handle(), "localhost");
  auto& lowest = beast::get_lowest_layer(*impl_->stream);
  lowest.expires_after(std::chrono::seconds(10));
  beast::error_code ec;
  lowest.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (!ec) impl_->stream->handshake(asio::ssl::stream_base::client, ec);
  if (ec) impl_->error = ec.message();
}

RawTlsConnection::~RawTlsConnection() = default;

bool RawTlsConnection::handshake_ok() const { return impl_->error.empty(); }
std::string RawTlsConnection::handshake_error() const { return impl_->error; }

bool RawTlsConnection::write(const std::string& bytes) {
  beast::error_code ec;
  beast::get_lowest_layer(*impl_->stream).expires_after(std::chrono::seconds(10));
  asio::write(*impl_->stream, asio::buffer(bytes), ec);
  return !ec;
}

std::pair<std::string, bool> RawTlsConnection::read_until_close(std::chrono::milliseconds timeout) {
  std::string out;
  beast::get_lowest_layer(*impl_->stream).expires_after(timeout);
  char buf[4096];
  for (;;) {
    beast::error_code ec;
    std::size_t n = impl_->stream->read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec == beast::error::timeout) return {out, false};
    if (ec) return {out, true};
  }
}

}  // namespace sa::test
