// Asynchronous HTTPS GET and POST of small JSON documents (client jwks_uri, the EHR user
// directory), on one dedicated thread that is never one of the server's I/O threads. Verifies the
// certificate and host name, may present a client certificate, refuses before connecting any
// address its settings do not allow (by default: anything not globally reachable), and bounds
// every fetch by a size limit and one overall timeout. No caching and no retries here.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sa::net {

// One Fetcher per purpose: its address policy and TLS identity are fixed when it is built. The
// defaults are the SSRF guard for client URLs (issue 3); the EHR directory opts into more.
struct FetcherSettings {
  std::uint32_t timeout_ms = 3'000;     // the whole fetch: resolve, connect, TLS, request, body
  std::uint32_t max_bytes = 64 * 1024;  // body limit, enforced while reading
  bool allow_loopback = false;          // and then plain http:// on loopback too
  std::string ca_file;                  // PEM bundle; empty = the system default store
  bool allow_private = false;           // is_private_address: RFC 1918, RFC 6598, RFC 4193
  std::string client_cert_file;         // PEM chain presented for mutual TLS; "" = none
  std::string client_key_file;          // its key; set both or neither
};

enum class FetchStatus {
  ok,
  bad_url,          // not a jwks_uri url/ accepts, or http:// to a non-loopback address
  blocked_address,  // a resolved address is not globally reachable (see classify_address)
  resolve_failed,
  connect_failed,
  tls_failed,  // handshake or certificate / host name verification
  timeout,
  too_large,       // body (or headers) over the limit
  http_status,     // a status not in ok_statuses; FetchResult::http_status says which
  protocol_error,  // a malformed response
  shut_down,       // the Fetcher was destroyed before the fetch finished
  bad_request,     // the request itself is malformed (a header name or value RFC 9110 refuses)
};
std::string_view to_string(FetchStatus status);

enum class Method { get, post };

struct Header {
  std::string name;
  std::string value;
};

struct FetchRequest {
  Method method = Method::get;
  std::string url;
  std::vector<Header> headers;  // besides Host, Accept, User-Agent, Connection (and Content-*)
  std::string body;             // post only, sent as application/json
  // Answers with these statuses are ok and carry their body; any other status is http_status.
  std::vector<int> ok_statuses{200};
  // The host name the certificate must carry (and SNI), when it is not the URL's host: the
  // healthcheck connects to the loopback listener but verifies the configured certificate's
  // public name. Empty: the URL's host.
  std::string verify_host;
};

struct FetchResult {
  FetchStatus status = FetchStatus::ok;
  int http_status = 0;                   // whenever an answer was read, whatever its status
  std::string body;                      // only when status is ok
  std::optional<std::uint32_t> max_age;  // Cache-Control max-age; no-store/no-cache -> 0
};

class Fetcher {
 public:
  using DoneFn = std::function<void(FetchResult)>;

  // Starts the fetch thread. Throws on an unreadable CA bundle or client certificate or key.
  explicit Fetcher(FetcherSettings settings);
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;
  ~Fetcher();  // cancels fetches in progress (each done gets shut_down) and joins the thread

  // done runs exactly once, on the fetch thread: keep it short or post the work elsewhere.
  void fetch(FetchRequest request, DoneFn done);
  void get(std::string url, DoneFn done);  // fetch() of a plain GET that wants a 200

  // TCP connections attempted so far (lets tests prove a refused URL never reached a socket).
  std::uint64_t connect_attempts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sa::net
