// A tiny HTTPS server on 127.0.0.1:0 for tests that need the service to fetch something
// (a client's jwks_uri): serves one document whose body and Cache-Control the test can change,
// and counts the requests. Its certificate is issued by a test CA the service is told to trust.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace sa::test {

class LocalHttpsServer {
 public:
  // Generates a CA and a localhost certificate under `dir` (ca_file() names the CA).
  explicit LocalHttpsServer(const std::filesystem::path& dir);
  ~LocalHttpsServer();

  void set_document(std::string body, std::string cache_control = "max-age=300");
  std::string url(const std::string& path = "/jwks.json") const;
  std::string ca_file() const;
  int requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sa::test
