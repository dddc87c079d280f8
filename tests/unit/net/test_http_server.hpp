// A tiny loopback HTTP(S) server for the fetcher tests: answers every connection with one canned
// response, or accepts and never answers. Binds 127.0.0.1 port 0; blocking Asio on its own thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace sa::net::test {

struct TlsIdentity {
  std::string cert_pem;
  std::string key_pem;
};

class TestHttpServer {
 public:
  enum class Mode { respond, hang };
  TestHttpServer(std::string response, Mode mode = Mode::respond,
                 std::optional<TlsIdentity> tls = std::nullopt);
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;
  ~TestHttpServer();

  std::uint16_t port() const;
  int connections() const;
  std::string last_request() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "HTTP/1.1 <status>" with Content-Length, the given extra header lines and the body.
std::string http_response(int status, const std::string& body, const std::string& headers = "");

}  // namespace sa::net::test
