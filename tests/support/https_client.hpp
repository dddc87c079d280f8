// A small blocking HTTPS client for end-to-end tests, with certificate verification on (the
// service's CA, host name "localhost"). Keeps one keep-alive connection per client. Also a raw
// TLS connection for tests that must send malformed or slow bytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sa::test {

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> header(const std::string& name) const;  // case-insensitive
};

class HttpsClient {
 public:
  HttpsClient(std::uint16_t port, std::string ca_file, std::string host = "localhost");
  ~HttpsClient();
  HttpResponse request(const std::string& method, const std::string& target,
                       std::vector<std::pair<std::string, std::string>> headers = {},
                       std::string body = {});
  HttpResponse get(const std::string& target) { return request("GET", target); }
  HttpResponse post_form(const std::string& target, std::string body,
                         std::vector<std::pair<std::string, std::string>> headers = {});
  // Negotiated protocol of the current connection ("TLSv1.3"...).
  std::string tls_version();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Raw TLS connection: write arbitrary bytes, read whatever comes until close or timeout.
class RawTlsConnection {
 public:
  RawTlsConnection(std::uint16_t port, std::string ca_file,
                   std::optional<int> max_tls_version = std::nullopt);
  ~RawTlsConnection();
  bool handshake_ok() const;
  std::string handshake_error() const;
  bool write(const std::string& bytes);
  // Reads until the peer closes (returns what came and closed=true) or `timeout` passes.
  std::pair<std::string, bool> read_until_close(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sa::test
