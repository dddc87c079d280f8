// A started service with a client that trusts its CA: the fixture most end-to-end tests need.
#pragma once

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <string>

#include "support/https_client.hpp"
#include "support/service_process.hpp"

namespace sa::test {

struct RunningService {
  // `directory_yaml`: a whole `directory:` section instead of the builtin demo directory.
  explicit RunningService(const std::string& server_extra = {}, const std::string& extra = {},
                          const std::string& directory_yaml = {})
      : process(dir.path(), test_config_yaml(dir.path(), server_extra, extra, directory_yaml)) {
    bool ready = process.wait_ready();
    INFO(process.log());
    REQUIRE(ready);
    client = std::make_unique<HttpsClient>(process.https_port(), process.ca_file().string());
  }
  TempDir dir;
  ServiceProcess process;
  std::unique_ptr<HttpsClient> client;
};

// Config for backend-services tests (CONTRACT "Registration policy"): one initial access token
// whose cap is max_scope, and client_credentials open to the given methods (the demo config
// turns the secret methods on the same way).
inline std::string backend_config(
    const std::string& iat, const std::string& max_scope,
    const std::string& methods = "private_key_jwt, client_secret_basic") {
  return "registration:\n  initial_access_tokens:\n    - token: " + iat +
         "\n      max_scope: " + max_scope + "\n      description: e2e\n"
         "tokens:\n  client_credentials_auth_methods: [" + methods + "]\n";
}

inline rapidjson::Document parse_json(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  INFO(body);
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

}  // namespace sa::test
