// A client registered over RFC 7591 as the backend-services and read-endpoint tests register
// theirs (with or without an initial access token), and its HTTP Basic credentials.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "e2e/form_support.hpp"
#include "e2e/running_service.hpp"
#include "support/jose_check.hpp"

namespace sa::test {

// RFC 6749 §2.3.1: id and secret are form-encoded before base64.
inline std::string basic_auth(const std::string& id, const std::string& secret) {
  return "Basic " + b64(form_encode(id) + ":" + form_encode(secret));
}

struct Client {
  std::string client_id, client_secret;
  std::string basic() const { return basic_auth(client_id, client_secret); }
};

// Registers `metadata`, with `initial_access_token` as the bearer unless it is empty.
inline Client register_client_with(HttpsClient& http, const std::string& metadata,
                                   const std::string& initial_access_token) {
  std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"}};
  if (!initial_access_token.empty()) {
    headers.emplace_back("Authorization", "Bearer " + initial_access_token);
  }
  auto res = http.request("POST", "/auth/register", headers, metadata);
  INFO(res.body);
  REQUIRE(res.status == 201);
  auto doc = parse_json(res.body);
  Client c{doc["client_id"].GetString(), ""};
  if (doc.HasMember("client_secret")) c.client_secret = doc["client_secret"].GetString();
  return c;
}

}  // namespace sa::test
