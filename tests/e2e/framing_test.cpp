// Request framing against the running binary, on both listeners (HTTPS and plain HTTP): a
// request whose body length the server cannot determine the way every proxy would is refused
// and the connection closed, so bytes hidden behind it are never read as a second request
// (request smuggling, RFC 9112 §11.2).
#include <chrono>
#include <string>
#include <vector>

#include "e2e/plain_connection.hpp"
#include "e2e/running_service.hpp"

using namespace sa::test;
using namespace std::chrono_literals;

namespace {

const std::string kBothListeners =
    "  plain_http:\n"
    "    enabled: true\n"
    "    listen: 127.0.0.1:0\n";

enum class Listener { https, plain_http };

// Writes `bytes` on a fresh connection to `listener` and returns what came back before the
// server closed (closed=false if it was still open after 5 s).
std::pair<std::string, bool> exchange(const RunningService& svc, Listener listener,
                                      const std::string& bytes) {
  if (listener == Listener::https) {
    RawTlsConnection raw(svc.process.https_port(), svc.process.ca_file().string());
    REQUIRE(raw.handshake_ok());
    REQUIRE(raw.write(bytes));
    return raw.read_until_close(5s);
  }
  REQUIRE(svc.process.http_port());
  PlainConnection raw(*svc.process.http_port());
  REQUIRE(raw.connected());
  REQUIRE(raw.write(bytes));
  return raw.read_until_close(5s);
}

std::size_t responses_in(const std::string& reply) {
  std::size_t count = 0;
  for (auto at = reply.find("HTTP/1.1 "); at != std::string::npos;
       at = reply.find("HTTP/1.1 ", at + 1)) {
    ++count;
  }
  return count;
}

std::string body_of(const std::string& reply) {
  auto end = reply.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : reply.substr(end + 4);
}

const std::string kSmuggled = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";

}  // namespace

struct Row {
  std::string what;
  std::string head;  // the request line and the framing headers
  std::string body;
  int status;
};

TEST_CASE(
    "a request whose framing is ambiguous gets one 4xx/5xx, a closed connection, and the "
    "request smuggled behind it is never answered",
    "[framing][security]") {
  const std::vector<Row> rows = {
      // RFC 9112 §6.3: the final transfer coding is not chunked: the length is unknowable.
      {"final coding gzip", "POST /auth/token HTTP/1.1\r\nTransfer-Encoding: gzip\r\n", "", 400},
      {"chunked then gzip", "POST /auth/token HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n", "",
       400},
      {"identity", "POST /auth/token HTTP/1.1\r\nTransfer-Encoding: identity\r\n", "", 400},
      {"coding split over two fields",
       "POST /auth/token HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", "",
       400},
      // RFC 9112 §6.1/§6.3: Transfer-Encoding and Content-Length together.
      {"gzip with a Content-Length",
       "POST /auth/token HTTP/1.1\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n", "ab", 400},
      // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing.
      {"HTTP/1.0 with chunked",
       "POST /auth/token HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n",
       "0\r\n\r\n", 400},
      // RFC 9112 §6.1: a transfer coding we do not implement, even under a final chunked.
      {"gzip under chunked", "POST /auth/token HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n",
       "0\r\n\r\n", 501},
  };
  RunningService svc(kBothListeners);
  for (Listener listener : {Listener::https, Listener::plain_http}) {
    for (const Row& row : rows) {
      CAPTURE(row.what, listener == Listener::https ? "https" : "plain http");
      auto [reply, closed] = exchange(
          svc, listener,
          row.head + "Host: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n" +
              row.body + kSmuggled);
      INFO(reply);
      CHECK(reply.rfind("HTTP/1.1 " + std::to_string(row.status) + " ", 0) == 0);
      CHECK(responses_in(reply) == 1);  // GET /healthz was not answered
      CHECK(reply.find("\r\nConnection: close\r\n") != std::string::npos);
      CHECK(body_of(reply).find(R"("error":"invalid_request")") != std::string::npos);
      CHECK(closed);
    }
  }
}

TEST_CASE("a well-framed chunked request is still served, and so is the request behind it",
          "[framing]") {
  RunningService svc(kBothListeners);
  for (Listener listener : {Listener::https, Listener::plain_http}) {
    for (const char* coding : {"chunked", "Chunked", " chunked "}) {  // RFC 9112 §7
      CAPTURE(coding, listener == Listener::https ? "https" : "plain http");
      auto [reply, closed] = exchange(
          svc, listener,
          std::string("POST /auth/token HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding:") +
              coding +
              "\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"
              "5\r\ngrant\r\n0\r\n\r\n"
              "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      INFO(reply);
      CHECK(responses_in(reply) == 2);
      CHECK(reply.find("HTTP/1.1 200 OK\r\n", 1) != std::string::npos);  // the /healthz
      CHECK(closed);
    }
  }
}
