// Asynchronous HTTPS GET for small JSON documents (client jwks_uri), on one dedicated thread that
// is never one of the server's I/O threads. Verifies the certificate and host name, refuses any
// address that is not globally reachable (and, unless allowed, loopback) before connecting, and
// bounds every fetch by a size limit and one overall timeout. No caching and no retries here.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sa::net {

struct FetcherSettings {
  std::uint32_t timeout_ms = 3'000;       // the whole fetch: resolve, connect, TLS, request, body
  std::uint32_t max_bytes = 64 * 1024;    // body limit, enforced while reading
  bool allow_loopback = false;            // and then plain http:// on loopback too
  std::string ca_file;                    // PEM bundle; empty = the system default store
};

enum class FetchStatus {
  ok,
  bad_url,          // not a jwks_uri url/ accepts, or http:// to a non-loopback address
  blocked_address,  // a resolved address is not globally reachable (see classify_address)
  resolve_failed,
  connect_failed,
  tls_failed,       // handshake or certificate / host name verification
  timeout,
  too_large,        // body (or headers) over the limit
  http_status,      // a status other than 200; FetchResult::http_status says which
  protocol_error,   // a malformed response
  shut_down,        // the Fetcher was destroyed before the fetch finished
};
std::string_view to_string(FetchStatus status);

struct FetchResult {
  FetchStatus status = FetchStatus::ok;
  int http_status = 0;
  std::string body;
  std::optional<std::uint32_t> max_age;  // Cache-Control max-age; no-store/no-cache -> 0
};

class Fetcher {
 public:
  using DoneFn = std::function<void(FetchResult)>;

  explicit Fetcher(FetcherSettings settings);  // starts the fetch thread
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;
  ~Fetcher();  // cancels fetches in progress (each done gets shut_down) and joins the thread

  // done runs exactly once, on the fetch thread: keep it short or post the work elsewhere.
  void get(std::string url, DoneFn done);

  // TCP connections attempted so far (lets tests prove a refused URL never reached a socket).
  std::uint64_t connect_attempts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sa::net
