#include "http/server.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "crypto/random.hpp"
#include "http/wire.hpp"
#include "util/cpus.hpp"
#include "obs/log.hpp"

namespace sa::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using PlainStream = beast::tcp_stream;

// Modern AEAD suites only (Mozilla "intermediate" for TLS 1.2); TLS 1.3 suites are OpenSSL's.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

Method to_method(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get: return Method::GET;
    case bhttp::verb::head: return Method::HEAD;
    case bhttp::verb::post: return Method::POST;
    case bhttp::verb::put: return Method::PUT;
    case bhttp::verb::delete_: return Method::DELETE_;
    case bhttp::verb::options: return Method::OPTIONS;
    case bhttp::verb::patch: return Method::PATCH;
    default: return Method::OTHER;
  }
}

tcp::endpoint resolve(const config::Endpoint& ep) {
  boost::system::error_code ec;
  std::string host = ep.host == "localhost" ? "127.0.0.1" : ep.host;
  auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("cannot parse listen address " + ep.host);
  return {address, ep.port};
}

// A client as the per-address connection limit counts it: an IPv4-mapped IPv6 peer (an IPv4
// client of a dual-stack listener) is its IPv4 address, the same key on every listener.
asio::ip::address client_address(const asio::ip::address& peer) {
  if (peer.is_v6() && peer.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, peer.to_v6());
  }
  return peer;
}

constexpr std::string_view kRefusedMetric = "smart_auth_connections_refused_total";
constexpr std::string_view kRefusedHelp =
    "Connections closed at accept, by the limit that refused them (max_connections, "
    "max_connections_per_ip).";
// Refusals over the per-address limit are logged at most once per interval, with a count.
constexpr auto kRefusalLogInterval = std::chrono::seconds(10);

// Request ids are <per-process random prefix>-<counter>: unique across restarts, cheap per request.
std::string process_prefix() {
  crypto::OpenSslRandom random;
  return crypto::random_token(random, 6);
}

}  // namespace

struct Server::Impl {
  Impl(const config::ServerSettings& s, const Router& r, obs::Metrics& m)
      : settings(resolve_threads(s)), router(r), metrics(m) {
    for (std::uint32_t i = 1; i < settings.threads; ++i) {
      workers.push_back(std::make_unique<asio::io_context>(1));
    }
  }

  static config::ServerSettings resolve_threads(config::ServerSettings s) {
    if (s.threads == 0) s.threads = usable_cpus();
    return s;
  }

  config::ServerSettings settings;
  const Router& router;
  obs::Metrics& metrics;
  // One io_context per thread, each run by exactly one thread (`ioc` by the thread that calls
  // run(), each worker by its own): a connection lives on one context for its whole life, so
  // its steps never run concurrently and need no strand. What the contexts share is below:
  // atomics and the short idle_mutex and per_ip_mutex sections. `ioc` also serves connections
  // and owns the acceptors, signals and timers. Declared after `workers` so it is destroyed
  // first: an accept still queued on it at shutdown holds a socket that belongs to a worker
  // context, which must outlive it.
  std::vector<std::unique_ptr<asio::io_context>> workers;
  asio::io_context ioc{1};
  std::function<void()> when_idle;  // Server::when_idle
  std::uint32_t next_context = 0;  // round robin; only the accept loops (on `ioc`) read it
  asio::ssl::context ssl_ctx{asio::ssl::context::tls_server};
  std::optional<tcp::acceptor> tls_acceptor;
  std::optional<tcp::acceptor> plain_acceptor;
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  asio::steady_timer grace_timer{ioc};
  std::atomic<std::uint32_t> connections{0};
  // Open connections per client address (max_connections_per_ip): taken by the accept loop,
  // given back from the connection's own context when it ends.
  std::mutex per_ip_mutex;
  std::unordered_map<asio::ip::address, std::uint32_t> per_ip;
  // Rate limit of the per-address refusal log line; only the accept loops (on `ioc`) touch it.
  Clock::time_point next_refusal_log{};
  std::uint64_t refusals_unlogged = 0;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> request_counter{0};
  std::string id_prefix = process_prefix();

  // Connections waiting for their next request; shutdown closes them at once.
  std::mutex idle_mutex;
  std::uint64_t next_conn_id = 1;
  std::unordered_map<std::uint64_t, std::function<void()>> idle_closers;

  void configure_tls(const TlsMaterial& tls);
  asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, bool tls);
  asio::awaitable<void> session(tcp::socket socket, bool tls, std::string remote);
  template <class Stream>
  asio::awaitable<void> serve(std::shared_ptr<Stream> stream, const std::string& remote, bool tls,
                              Clock::time_point deadline);
  template <class Stream>
  asio::awaitable<void> write_error(Stream& stream, int status, std::string_view code,
                                    std::string_view description, bool tls);
  asio::awaitable<Response> run_handler(Request& req);
  asio::io_context& next_io_context();
  void stop_all();
  void begin_shutdown();
  void on_session_end();
  bool admit(const asio::ip::address& client);
  void release(const asio::ip::address& client);
  void log_per_ip_refusal(const asio::ip::address& client);
  std::uint64_t mark_idle(std::function<void()> closer);
  void unmark_idle(std::uint64_t id);
};

void Server::Impl::configure_tls(const TlsMaterial& tls) {
  SSL_CTX* native = ssl_ctx.native_handle();
  // TLS 1.2+ only (SMART App Launch: TLS 1.2 or higher; RFC 9325).
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  ssl_ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression |
                      asio::ssl::context::single_dh_use);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    throw std::runtime_error("cannot set TLS cipher list");
  }
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
  boost::system::error_code ec;
  ssl_ctx.use_certificate_chain(asio::buffer(tls.cert_chain_pem), ec);
  if (ec) throw std::runtime_error("server.tls.cert: not a usable PEM certificate chain");
  ssl_ctx.use_private_key(asio::buffer(tls.key_pem), asio::ssl::context::pem, ec);
  if (ec) throw std::runtime_error("server.tls.key: not a usable PEM private key");
  if (SSL_CTX_check_private_key(native) != 1) {
    throw std::runtime_error("server.tls.key: does not match server.tls.cert");
  }
}

std::uint64_t Server::Impl::mark_idle(std::function<void()> closer) {
  std::lock_guard lock(idle_mutex);
  std::uint64_t id = next_conn_id++;
  idle_closers.emplace(id, std::move(closer));
  return id;
}

void Server::Impl::unmark_idle(std::uint64_t id) {
  std::lock_guard lock(idle_mutex);
  idle_closers.erase(id);
}

asio::io_context& Server::Impl::next_io_context() {
  std::uint32_t i = next_context++ % settings.threads;
  return i == 0 ? ioc : *workers[i - 1];
}

void Server::Impl::stop_all() {
  ioc.stop();
  for (auto& w : workers) w->stop();
}

void Server::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  obs::log(obs::Level::info, "shutting down", {obs::num("open_connections", connections.load())});
  boost::system::error_code ignored;
  if (tls_acceptor) tls_acceptor->close(ignored);
  if (plain_acceptor) plain_acceptor->close(ignored);
  signals.cancel(ignored);
  {
    std::lock_guard lock(idle_mutex);
    for (auto& [id, close] : idle_closers) close();
    idle_closers.clear();
  }
  if (connections.load() == 0) {
    stop_all();
    return;
  }
  grace_timer.expires_after(std::chrono::milliseconds(settings.shutdown_grace_ms));
  grace_timer.async_wait([this](boost::system::error_code) {
    obs::log(obs::Level::warn, "shutdown grace period over; dropping connections",
             {obs::num("open_connections", connections.load())});
    stop_all();
  });
}

void Server::Impl::on_session_end() {
  if (connections.fetch_sub(1) == 1 && stopping.load()) {
    asio::post(ioc, [this] { stop_all(); });
  }
}

bool Server::Impl::admit(const asio::ip::address& client) {
  std::lock_guard lock(per_ip_mutex);
  // A new entry starts at 0, under the cap (which is at least 1), so a refusal leaves no entry.
  std::uint32_t& open = per_ip.try_emplace(client, 0).first->second;
  if (open >= settings.limits.max_connections_per_ip) return false;
  ++open;
  return true;
}

void Server::Impl::release(const asio::ip::address& client) {
  std::lock_guard lock(per_ip_mutex);
  auto it = per_ip.find(client);
  if (it != per_ip.end() && --it->second == 0) per_ip.erase(it);
}

void Server::Impl::log_per_ip_refusal(const asio::ip::address& client) {
  ++refusals_unlogged;
  const auto now = Clock::now();
  if (now < next_refusal_log) return;  // one line per interval, however many are refused
  obs::log(obs::Level::warn, "connections refused: per-address connection limit reached",
           {{"remote", client.to_string()},
            obs::num("max_connections_per_ip", settings.limits.max_connections_per_ip),
            obs::num("refused_since_last_line", refusals_unlogged)});
  refusals_unlogged = 0;
  next_refusal_log = now + kRefusalLogInterval;
}

asio::awaitable<void> Server::Impl::accept_loop(tcp::acceptor& acceptor, bool tls) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(next_io_context(), kNoThrow);
    if (stopping.load()) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // Out of descriptors or similar: back off briefly rather than spin.
      obs::log(obs::Level::warn, "accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(ioc, std::chrono::milliseconds(50));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    boost::system::error_code ignored;
    if (connections.load() >= settings.limits.max_connections) {
      socket.close(ignored);  // over the limit: a closed socket, nothing else
      metrics.increment(kRefusedMetric, kRefusedHelp, {{"reason", "max_connections"}});
      continue;
    }
    boost::system::error_code peer_ec;
    const tcp::endpoint peer = socket.remote_endpoint(peer_ec);
    if (peer_ec) {
      socket.close(ignored);  // the peer has already gone
      continue;
    }
    const asio::ip::address client = client_address(peer.address());
    if (!admit(client)) {
      // One address may not fill max_connections: over its own cap, a closed socket.
      socket.close(ignored);
      metrics.increment(kRefusedMetric, kRefusedHelp, {{"reason", "max_connections_per_ip"}});
      log_per_ip_refusal(client);
      continue;
    }
    connections.fetch_add(1);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, session(std::move(socket), tls, client.to_string()),
                   [this, client](std::exception_ptr e) {
                     if (e) {
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         obs::log(obs::Level::error, "session failed", {{"what", ex.what()}});
                       }
                     }
                     release(client);
                     on_session_end();
                   });
  }
}

asio::awaitable<void> Server::Impl::session(tcp::socket socket, bool tls, std::string remote) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(settings.limits.header_timeout_ms);
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  if (tls) {
    auto stream = std::make_shared<TlsStream>(PlainStream(std::move(socket)), ssl_ctx);
    beast::get_lowest_layer(*stream).expires_at(deadline);
    auto [hs_ec] = co_await stream->async_handshake(asio::ssl::stream_base::server, kNoThrow);
    if (hs_ec) co_return;
    co_await serve(stream, remote, true, deadline);
    beast::get_lowest_layer(*stream).expires_after(std::chrono::seconds(1));
    co_await stream->async_shutdown(kNoThrow);
  } else {
    auto stream = std::make_shared<PlainStream>(std::move(socket));
    co_await serve(stream, remote, false, deadline);
    stream->socket().shutdown(tcp::socket::shutdown_send, ec);
  }
}

template <class Stream>
asio::awaitable<void> Server::Impl::write_error(Stream& stream, int status, std::string_view code,
                                                std::string_view description, bool tls) {
  Response res = error_response(status, code, description);
  apply_default_headers(res, tls);
  const std::string wire = serialize_response(res, false, false);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
  co_await asio::async_write(stream, asio::buffer(wire), kNoThrow);
  metrics.observe_request("rejected", "-", status, 0);
}

asio::awaitable<Response> Server::Impl::run_handler(Request& req) {
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Response)>(
      [this, &req](auto handler) {
        auto executor = asio::get_associated_executor(handler);
        auto holder = std::make_shared<decltype(handler)>(std::move(handler));
        // The handler may answer from any thread (e.g. the store's writer after a commit);
        // resume the session on its own io_context, the one thread that runs the connection.
        router.dispatch(req, Responder([executor, holder](Response res) {
                          asio::post(executor, [holder, res = std::move(res)]() mutable {
                            std::move (*holder)(std::move(res));
                          });
                        }));
      },
      asio::use_awaitable);
}

template <class Stream>
asio::awaitable<void> Server::Impl::serve(std::shared_ptr<Stream> stream, const std::string& remote,
                                          bool tls, Clock::time_point deadline) {
  const auto& limits = settings.limits;
  auto& lowest = beast::get_lowest_layer(*stream);
  // The parser enforces max_header_bytes and max_body_bytes; the buffer must be able to hold
  // what they allow (a fixed 8 KB here once turned every request line over 8 KB into a 400,
  // long before the 431 limit: SMART granular scopes make long authorize URLs).
  // It also carries the first bytes of the connection (at least 8 KB, or Beast throws).
  beast::flat_buffer buffer(std::max<std::size_t>(
      16 * 1024, static_cast<std::size_t>(limits.max_header_bytes) + limits.max_body_bytes));
  bool first = true;
  for (;;) {
    if (buffer.size() == 0) {
      // Between requests: wait for the first byte under the idle timeout; shutdown cuts it short.
      std::uint64_t idle_id = 0;
      if (!first) {
        std::weak_ptr<Stream> weak = stream;
        auto executor = lowest.get_executor();
        idle_id = mark_idle([weak, executor] {
          asio::post(executor, [weak] {
            if (auto s = weak.lock()) beast::get_lowest_layer(*s).cancel();
          });
        });
        if (stopping.load()) {
          unmark_idle(idle_id);
          co_return;
        }
        lowest.expires_after(std::chrono::milliseconds(limits.idle_timeout_ms));
      } else {
        lowest.expires_at(deadline);
      }
      auto [ec, n] = co_await stream->async_read_some(buffer.prepare(4096), kNoThrow);
      if (idle_id) unmark_idle(idle_id);
      if (ec) co_return;  // timeout, peer close, stream_truncated: all normal ends
      buffer.commit(n);
      if (!first) deadline = Clock::now() + std::chrono::milliseconds(limits.header_timeout_ms);
    }
    first = false;

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(limits.max_header_bytes);
    parser.body_limit(limits.max_body_bytes);
    lowest.expires_at(deadline);
    auto [hec, hn] = co_await bhttp::async_read_header(*stream, buffer, parser, kNoThrow);
    if (hec == bhttp::error::header_limit) {
      co_await write_error(*stream, 431, "invalid_request", "request headers too large", tls);
      co_return;
    }
    if (hec == bhttp::error::body_limit) {
      co_await write_error(*stream, 413, "invalid_request", "request body too large", tls);
      co_return;
    }
    if (hec == beast::error::timeout || hec == asio::error::operation_aborted ||
        hec == bhttp::error::end_of_stream || hec == asio::error::eof ||
        hec == asio::ssl::error::stream_truncated) {
      co_return;
    }
    if (hec) {
      co_await write_error(*stream, 400, "invalid_request", "malformed HTTP request", tls);
      co_return;
    }
    const auto started = Clock::now();
    auto& header = parser.get();
    // RFC 9112 §6.1, §6.3: a body whose length is not delimited the one way every recipient
    // agrees on is refused, and the connection closed (write_error says Connection: close)
    // without reading it: the bytes after it would otherwise be read as a smuggled request.
    std::vector<std::string_view> transfer_encoding;
    for (auto [it, end] = header.equal_range(bhttp::field::transfer_encoding); it != end; ++it) {
      transfer_encoding.push_back(it->value());
    }
    const Framing framing = check_request_framing(
        transfer_encoding, header.count(bhttp::field::content_length) > 0, header.version());
    if (auto refusal = framing_refusal(framing)) {
      obs::audit("request_framing_rejected",
                 {{"remote", remote}, {"reason", std::string(refusal->reason)}});
      co_await write_error(*stream, refusal->status, "invalid_request", refusal->description, tls);
      co_return;
    }
    auto expect = header[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
      co_await bhttp::async_write(*stream, cont, kNoThrow);
    }
    lowest.expires_after(std::chrono::milliseconds(limits.body_timeout_ms));
    auto [bec, bn] = co_await bhttp::async_read(*stream, buffer, parser, kNoThrow);
    if (bec == bhttp::error::body_limit) {
      co_await write_error(*stream, 413, "invalid_request", "request body too large", tls);
      co_return;
    }
    if (bec == beast::error::timeout || bec == asio::error::eof ||
        bec == asio::ssl::error::stream_truncated || bec == asio::error::operation_aborted) {
      co_return;
    }
    if (bec) {
      co_await write_error(*stream, 400, "invalid_request", "malformed HTTP request", tls);
      co_return;
    }

    auto msg = parser.release();
    Request req;
    req.method = to_method(msg.method());
    req.target = std::string(msg.target());
    auto q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    req.headers.reserve(16);
    for (const auto& field : msg) {
      req.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    }
    req.body = std::move(msg.body());
    req.request_id = id_prefix + '-' + std::to_string(request_counter.fetch_add(1) + 1);
    req.remote_addr = remote;
    req.tls = tls;
    const bool keep_alive = msg.keep_alive();

    Response res = co_await run_handler(req);

    const bool again = keep_alive && !stopping.load();
    lowest.expires_after(std::chrono::milliseconds(limits.idle_timeout_ms));
    const std::string wire = serialize_response(res, again, req.method == Method::HEAD);
    auto [wec, wn] = co_await asio::async_write(*stream, asio::buffer(wire), kNoThrow);
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    metrics.observe_request(req.route_name, method_name(req.method), res.status, seconds);
    obs::access({{"request_id", req.request_id},
                 {"method", std::string(method_name(req.method))},
                 {"path", req.path},  // never the query: it may carry codes or state
                 {"route", req.route_name},
                 obs::num("status", static_cast<long long>(res.status)),
                 obs::num("ms", seconds * 1000.0),
                 {"remote", remote}});
    if (wec || !again) co_return;
  }
}

Server::Server(const config::ServerSettings& settings, const TlsMaterial& tls, const Router& router,
               obs::Metrics& metrics)
    : impl_(std::make_unique<Impl>(settings, router, metrics)) {
  impl_->configure_tls(tls);
}

Server::~Server() = default;

BoundPorts Server::bind() {
  auto open = [this](const config::Endpoint& ep) {
    tcp::endpoint endpoint = resolve(ep);
    tcp::acceptor acceptor(impl_->ioc);
    boost::system::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("cannot listen on " + ep.host + ":" + std::to_string(ep.port) +
                               ": " + ec.message());
    }
    return acceptor;
  };
  BoundPorts ports;
  impl_->tls_acceptor.emplace(open(impl_->settings.listen));
  ports.https = impl_->tls_acceptor->local_endpoint().port();
  if (impl_->settings.plain_http.enabled) {
    impl_->plain_acceptor.emplace(open(impl_->settings.plain_http.listen));
    ports.http = impl_->plain_acceptor->local_endpoint().port();
  }
  return ports;
}

void Server::every(std::chrono::milliseconds interval, std::function<void()> fn) {
  auto timer = std::make_shared<asio::steady_timer>(impl_->ioc);
  asio::co_spawn(
      impl_->ioc,
      [this, timer, interval, fn = std::move(fn)]() -> asio::awaitable<void> {
        for (;;) {
          timer->expires_after(interval);
          auto [ec] = co_await timer->async_wait(kNoThrow);
          if (ec || impl_->stopping.load()) co_return;
          fn();
        }
      },
      asio::detached);
}

namespace {

// Runs `context` until it has no more work, calling `idle` each time it has run out of ready
// handlers, just before it blocks waiting for the next one.
void serve_until_done(asio::io_context& context, const std::function<void()>& idle) {
  if (!idle) {
    context.run();
    return;
  }
  while (context.run_one() > 0) {  // waits for work, then runs one handler
    context.poll();                // and everything else ready by now, without waiting
    idle();
  }
}

}  // namespace

void Server::when_idle(std::function<void()> fn) { impl_->when_idle = std::move(fn); }

void Server::run() {
  Impl& impl = *impl_;
  impl.signals.async_wait([&impl](boost::system::error_code ec, int) {
    if (!ec) impl.begin_shutdown();
  });
  if (impl.tls_acceptor) {
    asio::co_spawn(impl.ioc, impl.accept_loop(*impl.tls_acceptor, true), asio::detached);
  }
  if (impl.plain_acceptor) {
    asio::co_spawn(impl.ioc, impl.accept_loop(*impl.plain_acceptor, false), asio::detached);
  }
  std::vector<std::thread> threads;
  for (auto& worker : impl.workers) {
    threads.emplace_back([&context = *worker, &idle = impl.when_idle] {
      auto guard = asio::make_work_guard(context);
      serve_until_done(context, idle);
    });
  }
  serve_until_done(impl.ioc, impl.when_idle);
  for (auto& t : threads) t.join();
}

void Server::stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_shutdown(); });
}

}  // namespace sa::http
