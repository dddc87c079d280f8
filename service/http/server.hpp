// The HTTPS (and optional plain HTTP) listener: Boost.Beast on Asio, one single-threaded
// io_context per I/O thread (a connection stays on one), TLS 1.2+, keep-alive, size, connection
// and framing limits, timeouts, graceful shutdown on SIGINT/SIGTERM. It turns bytes into plain
// Requests for the Router and back; it knows no endpoint. The only translation unit that
// includes Beast (pimpl keeps Boost out of this header).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "http/router.hpp"
#include "obs/metrics.hpp"

namespace sa::http {

struct TlsMaterial {
  std::string cert_chain_pem;  // leaf first
  std::string key_pem;
};

struct BoundPorts {
  std::uint16_t https = 0;
  std::optional<std::uint16_t> http;
};

class Server {
 public:
  // Throws std::runtime_error when the TLS material is unusable.
  Server(const config::ServerSettings& settings, const TlsMaterial& tls, const Router& router,
         obs::Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every listener. Throws std::runtime_error naming the address on failure.
  BoundPorts bind();
  // Calls `fn` every `interval` on the thread that runs the acceptors (it serves connections
  // too: cheap work only) until shutdown.
  void every(std::chrono::milliseconds interval, std::function<void()> fn);
  // Calls `fn` on each serving thread whenever it has run out of ready work (every handler that
  // could run has run), before it waits for more: how the store's writer learns that no more
  // writes are coming for now (store::Database::producer_idle). Set before run().
  void when_idle(std::function<void()> fn);
  // Serves until SIGINT/SIGTERM or stop(); then stops accepting, closes idle connections, lets
  // in-flight requests finish for up to shutdown_grace_ms, and returns.
  void run();
  void stop();  // thread-safe

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sa::http
