// A tiny HTTPS server on 127.0.0.1:0 for tests that need the service to fetch something (a
// client's jwks_uri, the EHR user directory): serves one default document whose body and
// Cache-Control the test can change, or a canned answer per method and path (optionally late),
// and records every request it read. Its certificate is issued by a test CA the service is told
// to trust; it can also demand a client certificate from a CA the test names. One connection at
// a time, on its own thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sa::test {

struct CannedAnswer {
  int status = 200;
  std::string body;
  std::chrono::milliseconds delay{0};  // wait this long before answering (a slow server)
};

struct RecordedRequest {
  std::string method;  // "GET", "POST"
  std::string target;  // path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string client_subject;  // the client certificate's subject, "" when none was presented
  std::optional<std::string> header(std::string_view name) const;  // case-insensitive
};

class LocalHttpsServer {
 public:
  // Generates a CA and a localhost certificate under `dir` (ca_file() names the CA).
  explicit LocalHttpsServer(const std::filesystem::path& dir);
  ~LocalHttpsServer();

  void set_document(std::string body, std::string cache_control = "max-age=300");
  // Answers `method` requests for `path` (the target without its query) with `answer`; other
  // requests get the document.
  void set_answer(std::string method, std::string path, CannedAnswer answer);
  // From now on the handshake fails unless the client presents a certificate chaining to the CA
  // in `ca_file` (any extended key usage: generate_server_cert's leaves serve as client ones).
  void require_client_certificate(const std::string& ca_file);

  std::string url(const std::string& path = "/jwks.json") const;
  std::string ca_file() const;
  int requests() const;
  std::vector<RecordedRequest> recorded() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sa::test
