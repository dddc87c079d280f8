#include "net/fetcher.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "net/fetch_policy.hpp"

namespace sa::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

FetchResult fail(FetchStatus status) { return FetchResult{.status = status}; }

AddressClass class_of(const asio::ip::address& address) {
  if (address.is_v4()) {
    auto bytes = address.to_v4().to_bytes();
    return classify_address(bytes);
  }
  auto bytes = address.to_v6().to_bytes();
  return classify_address(bytes);
}

bool may_connect_to(const asio::ip::address& address, AddressPolicy policy) {
  if (address.is_v4()) {
    auto bytes = address.to_v4().to_bytes();
    return may_connect(bytes, policy);
  }
  auto bytes = address.to_v6().to_bytes();
  return may_connect(bytes, policy);
}

// RFC 9110 §5.1: a field name is a token; §5.5: a value has no CR, LF or NUL (nor other
// controls but HTAB), so no caller-supplied header can smuggle a second header or request.
bool is_valid_header(const Header& header) {
  constexpr std::string_view kTokenExtra = "!#$%&'*+-.^_`|~";
  auto token_char = [&](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           kTokenExtra.find(c) != std::string_view::npos;
  };
  auto value_char = [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7F);
  };
  return !header.name.empty() && std::all_of(header.name.begin(), header.name.end(), token_char) &&
         std::all_of(header.value.begin(), header.value.end(), value_char);
}

// One fetch in progress: owned by its coroutine and, until it ends, by Impl::active.
struct Op {
  Op(asio::io_context& ioc, asio::ssl::context& tls, FetchRequest r, Fetcher::DoneFn d)
      : request(std::move(r)), done(std::move(d)), resolver(ioc), stream(ioc, tls), deadline(ioc) {}
  FetchRequest request;
  Fetcher::DoneFn done;
  tcp::resolver resolver;
  TlsStream stream;
  asio::steady_timer deadline;
  bool timed_out = false;
  bool cancelled = false;

  void abort() {
    resolver.cancel();
    beast::get_lowest_layer(stream).close();
  }
};

}  // namespace

std::string_view to_string(FetchStatus status) {
  switch (status) {
    case FetchStatus::ok: return "ok";
    case FetchStatus::bad_url: return "bad_url";
    case FetchStatus::blocked_address: return "blocked_address";
    case FetchStatus::resolve_failed: return "resolve_failed";
    case FetchStatus::connect_failed: return "connect_failed";
    case FetchStatus::tls_failed: return "tls_failed";
    case FetchStatus::timeout: return "timeout";
    case FetchStatus::too_large: return "too_large";
    case FetchStatus::http_status: return "http_status";
    case FetchStatus::protocol_error: return "protocol_error";
    case FetchStatus::shut_down: return "shut_down";
    case FetchStatus::bad_request: return "bad_request";
  }
  return "unknown";
}

struct Fetcher::Impl {
  explicit Impl(FetcherSettings s) : settings(std::move(s)) {
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression);
    tls.set_verify_mode(asio::ssl::verify_peer);
    if (settings.ca_file.empty()) {
      tls.set_default_verify_paths();
    } else {
      tls.load_verify_file(settings.ca_file);  // throws at start-up on a bad file
    }
    if (settings.client_cert_file.empty() != settings.client_key_file.empty()) {
      throw std::invalid_argument("a client certificate needs both its file and its key file");
    }
    if (!settings.client_cert_file.empty()) {
      // RFC 8446 §4.4.2: presented when the server sends a CertificateRequest (mutual TLS).
      tls.use_certificate_chain_file(settings.client_cert_file);
      tls.use_private_key_file(settings.client_key_file, asio::ssl::context::pem);
      if (SSL_CTX_check_private_key(tls.native_handle()) != 1) {
        throw std::invalid_argument("the client key does not match the client certificate");
      }
    }
    thread = std::thread([this] { ioc.run(); });
  }

  asio::awaitable<void> run_op(std::shared_ptr<Op> op);
  asio::awaitable<FetchResult> fetch(Op& op);
  template <class Stream>
  asio::awaitable<FetchResult> exchange(Op& op, Stream& stream, const Url& url);

  FetcherSettings settings;
  asio::io_context ioc{1};
  asio::ssl::context tls{asio::ssl::context::tls_client};
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  std::thread thread;
  std::atomic<std::uint64_t> connects{0};
  std::set<std::shared_ptr<Op>> active;  // touched on the fetch thread only
  bool stopping = false;                 // likewise
};

asio::awaitable<void> Fetcher::Impl::run_op(std::shared_ptr<Op> op) {
  op->deadline.expires_after(std::chrono::milliseconds(settings.timeout_ms));
  op->deadline.async_wait([op](boost::system::error_code ec) {
    if (ec) return;  // cancelled: the fetch finished first
    op->timed_out = true;
    op->abort();
  });
  FetchResult result;
  try {
    result = co_await fetch(*op);
  } catch (const std::exception&) {
    result = fail(FetchStatus::protocol_error);
  }
  op->deadline.cancel();
  beast::get_lowest_layer(op->stream).close();
  active.erase(op);
  if (op->cancelled) result = fail(FetchStatus::shut_down);
  op->done(std::move(result));
}

asio::awaitable<FetchResult> Fetcher::Impl::fetch(Op& op) {
  auto url = parse_url(op.request.url);
  if (!url) co_return fail(FetchStatus::bad_url);
  if (!std::all_of(op.request.headers.begin(), op.request.headers.end(), is_valid_header)) {
    co_return fail(FetchStatus::bad_request);
  }

  std::vector<tcp::endpoint> endpoints;
  boost::system::error_code literal_ec;
  auto literal = asio::ip::make_address(url->host, literal_ec);
  if (!literal_ec) {
    endpoints.emplace_back(literal, url->port);  // an IP literal is checked without resolving
  } else {
    auto [ec, results] =
        co_await op.resolver.async_resolve(url->host, std::to_string(url->port), kNoThrow);
    if (ec) co_return fail(op.timed_out ? FetchStatus::timeout : FetchStatus::resolve_failed);
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  }
  if (endpoints.empty()) co_return fail(FetchStatus::resolve_failed);

  // Issue 3 SSRF guard: refuse when ANY address is not allowed, so a name that also resolves to a
  // public address cannot steer us inside; we connect only to these checked endpoints.
  const AddressPolicy policy{settings.allow_loopback, settings.allow_private};
  bool all_loopback = true;
  for (const auto& ep : endpoints) {
    if (!may_connect_to(ep.address(), policy)) co_return fail(FetchStatus::blocked_address);
    if (class_of(ep.address()) != AddressClass::loopback) all_loopback = false;
  }
  if (!url->https && !all_loopback) co_return fail(FetchStatus::bad_url);  // http: loopback only

  connects.fetch_add(1);
  auto& lowest = beast::get_lowest_layer(op.stream);
  auto [cec, connected] = co_await lowest.async_connect(endpoints, kNoThrow);
  (void)connected;
  if (cec) co_return fail(op.timed_out ? FetchStatus::timeout : FetchStatus::connect_failed);

  if (!url->https) co_return co_await exchange(op, lowest, *url);

  SSL* ssl = op.stream.native_handle();
  if (!op.request.verify_host.empty()) {
    // RFC 6125: verify the name the caller expects the server to hold, sent as SNI too.
    const char* name = op.request.verify_host.c_str();
    if (SSL_set_tlsext_host_name(ssl, name) != 1 || SSL_set1_host(ssl, name) != 1) {
      co_return fail(FetchStatus::tls_failed);
    }
  } else if (literal_ec) {
    // RFC 6066 §3: SNI carries host names only. RFC 6125: verify the name we asked for.
    if (SSL_set_tlsext_host_name(ssl, url->host.c_str()) != 1 ||
        SSL_set1_host(ssl, url->host.c_str()) != 1) {
      co_return fail(FetchStatus::tls_failed);
    }
  } else if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url->host.c_str()) != 1) {
    co_return fail(FetchStatus::tls_failed);
  }
  auto [hec] = co_await op.stream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
  if (hec) co_return fail(op.timed_out ? FetchStatus::timeout : FetchStatus::tls_failed);
  co_return co_await exchange(op, op.stream, *url);
}

template <class Stream>
asio::awaitable<FetchResult> Fetcher::Impl::exchange(Op& op, Stream& stream, const Url& url) {
  const FetchRequest& request = op.request;
  const bool post = request.method == Method::post;
  bhttp::request<bhttp::string_body> req{post ? bhttp::verb::post : bhttp::verb::get, url.target,
                                         11};
  // The caller's fields first, so the ones below (Host, Content-*, Connection) always win.
  for (const Header& header : request.headers) req.set(header.name, header.value);
  bool v6 = url.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + url.host + "]" : url.host;
  if (url.port != (url.https ? 443 : 80)) host += ":" + std::to_string(url.port);
  req.set(bhttp::field::host, host);
  req.set(bhttp::field::accept, "application/json");  // SMART CCA: GET with Accept json
  req.set(bhttp::field::user_agent, "smart-auth");
  req.set(bhttp::field::connection, "close");
  if (post) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = request.body;
    req.prepare_payload();  // Content-Length (RFC 9112 §6.2)
  }
  auto [wec, written] = co_await bhttp::async_write(stream, req, kNoThrow);
  (void)written;
  if (wec) co_return fail(op.timed_out ? FetchStatus::timeout : FetchStatus::protocol_error);

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(settings.max_bytes);
  auto [rec, read] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
  (void)read;
  if (rec == bhttp::error::body_limit || rec == bhttp::error::header_limit) {
    co_return fail(FetchStatus::too_large);
  }
  // A TLS peer that closes without close_notify after a complete message is a normal close.
  bool truncated_after_message = rec == asio::ssl::error::stream_truncated && parser.is_done();
  if (rec && !truncated_after_message) {
    co_return fail(op.timed_out ? FetchStatus::timeout : FetchStatus::protocol_error);
  }
  auto& res = parser.get();
  FetchResult result;
  result.http_status = static_cast<int>(res.result_int());
  const auto& ok = request.ok_statuses;
  if (std::find(ok.begin(), ok.end(), result.http_status) == ok.end()) {
    result.status = FetchStatus::http_status;
    co_return result;
  }
  if (auto cc = res.find(bhttp::field::cache_control); cc != res.end()) {
    result.max_age = parse_max_age(cc->value());
  }
  result.body = std::move(res.body());
  co_return result;
}

Fetcher::Fetcher(FetcherSettings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {}

Fetcher::~Fetcher() {
  asio::post(impl_->ioc, [impl = impl_.get()] {
    impl->stopping = true;
    for (const auto& op : impl->active) {
      op->cancelled = true;
      op->abort();
    }
  });
  impl_->work.reset();
  impl_->thread.join();
}

void Fetcher::get(std::string url, DoneFn done) {
  fetch(FetchRequest{.url = std::move(url)}, std::move(done));
}

void Fetcher::fetch(FetchRequest request, DoneFn done) {
  asio::post(impl_->ioc, [impl = impl_.get(), request = std::move(request),
                          done = std::move(done)]() mutable {
    if (impl->stopping) {
      done(fail(FetchStatus::shut_down));
      return;
    }
    auto op = std::make_shared<Op>(impl->ioc, impl->tls, std::move(request), std::move(done));
    impl->active.insert(op);
    asio::co_spawn(impl->ioc, impl->run_op(op), asio::detached);
  });
}

std::uint64_t Fetcher::connect_attempts() const { return impl_->connects.load(); }

}  // namespace sa::net
