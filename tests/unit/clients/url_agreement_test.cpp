// The two ways a client gets its URLs, the YAML file (clients:) and dynamic registration
// (RFC 7591), must accept and reject the same URLs with the same phrase: the table of tricky URLs
// runs through the whole config loader and the whole metadata parser, and compares the verdicts.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "clients/metadata.hpp"
#include "config/loader.hpp"

namespace sa::clients {
namespace {

enum class Member { redirect_uris, jwks_uri, launch_uri };

std::string yaml_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string json_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The phrase the config loader reports for the URL, or "" when the file loads.
std::string config_verdict(Member member, const std::string& url) {
  std::string yaml = "clients:\n  - client_id: app-1\n";
  std::string key;
  switch (member) {
    case Member::redirect_uris:
      yaml +=
          "    token_endpoint_auth_method: none\n    redirect_uris: [" + yaml_quoted(url) + "]\n";
      key = "clients[0].redirect_uris[0]: ";
      break;
    case Member::jwks_uri:
      yaml +=
          "    token_endpoint_auth_method: private_key_jwt\n"
          "    grant_types: [client_credentials]\n    jwks_uri: " +
          yaml_quoted(url) + "\n";
      key = "clients[0].jwks_uri: ";
      break;
    case Member::launch_uri:
      yaml +=
          "    token_endpoint_auth_method: none\n    redirect_uris: [https://a.example/cb]\n"
          "    launch_uri: " +
          yaml_quoted(url) + "\n";
      key = "clients[0].launch_uri: ";
      break;
  }
  const config::LoadResult result =
      config::load_config_text(yaml, [](std::string_view) { return std::nullopt; });
  if (result.config) return "";
  REQUIRE(result.errors.size() == 1);
  const std::string line = config::format_error(result.errors[0]);
  INFO(line);
  REQUIRE(line.starts_with(key));
  const std::size_t got = line.rfind(", got ");
  REQUIRE(got != std::string::npos);
  return line.substr(key.size(), got - key.size());
}

// The phrase dynamic registration reports for the URL, or "" when the metadata is accepted.
std::string registration_verdict(Member member, const std::string& url) {
  std::string body;
  std::string name;
  switch (member) {
    case Member::redirect_uris:
      body = R"({"token_endpoint_auth_method":"none","redirect_uris":[)" + json_quoted(url) + "]}";
      name = "redirect_uris[0] ";
      break;
    case Member::jwks_uri:
      body = R"({"token_endpoint_auth_method":"private_key_jwt",)"
             R"("grant_types":["client_credentials"],"jwks_uri":)" +
             json_quoted(url) + "}";
      name = "jwks_uri ";
      break;
    case Member::launch_uri:
      body = R"({"token_endpoint_auth_method":"none","redirect_uris":["https://a.example/cb"],)"
             R"("launch_uri":)" +
             json_quoted(url) + "}";
      name = "launch_uri ";
      break;
  }
  auto parsed = parse_client_metadata(body);
  if (parsed) return "";
  const std::string& description = parsed.error().description;
  INFO(description);
  REQUIRE(description.starts_with(name));
  return description.substr(name.size());
}

TEST_CASE("the config file and dynamic registration give every tricky URL the same verdict",
          "[clients][url]") {
  // DCR-3, REG-1: one rule for client URLs, whichever way the client is registered.
  const Member member = GENERATE(Member::redirect_uris, Member::jwks_uri, Member::launch_uri);
  const std::string url = GENERATE(
      as<std::string>{}, "https://a.example/cb", "https://a.example/cb?x=1", "HTTPS://A.EXAMPLE/cb",
      "http://localhost:9000/cb", "http://LOCALHOST/cb", "http://127.0.0.1/cb", "http://[::1]/cb",
      "https://[2001:db8::1]:8443/cb",
      // Fragments, empty or not, wherever the '#' is.
      "https://a.example/cb#f", "https://a.example/cb#", "https://a.example#",
      "https://a.example/cb?x=#", "https://a#@evil.example/cb",
      // User info, however spelled.
      "https://u@a.example/", "https://@a.example/", "https://u:p@a.example/",
      // Hosts: bad brackets, percent-encoded names, characters no host name has.
      "https://[zz]/cb", "https://[v1.x]/cb", "https://2001:db8::1/cb", "https://%61.example/cb",
      "https://a!b.example/cb", "http://0x7f.1/cb", "https:///cb", "https://", "https:/cb",
      // Ports.
      "https://a.example:/cb", "https://a.example:0/cb", "https://a.example:65536/cb",
      "https://a.example:x/cb",
      // Not RFC 3986: backslashes, spaces, non-ASCII, bad escapes.
      "https://a.example\\@evil.example/", "https://a.example/c\\b", "https://a.example/c b",
      "https://a.example/caf\xc3\xa9", "https://a.example/cb%zz",
      // Not an absolute http(s) URL at all.
      "javascript:alert(1)", "data:text/html,x", "ftp://a.example/", "/cb", "//a.example/cb",
      "http://a.example/cb",
      // Dot segments, and the names the authorization response adds: refused for redirect URIs.
      "https://a.example/x/../cb", "https://a.example/%2e/cb", "https://a.example/cb?code=1",
      "https://a.example/cb?x=1&iss=y", "https://a.example/cb?error_uri",
      // Host names with '_' exist (RFC 2181 §11).
      "https://a_b.example/cb");
  CAPTURE(static_cast<int>(member), url);
  CHECK(config_verdict(member, url) == registration_verdict(member, url));
}

TEST_CASE("a redirect URI with dot segments or a response parameter is an invalid_redirect_uri",
          "[clients][url]") {
  // DCR-4 / RFC 7591 §3.2.2; AUTHZ-3 (RFC 6749 §3.1.2) and AUTHZ-9 (RFC 6749 §4.1.2, RFC 9207).
  const std::string url = GENERATE(as<std::string>{}, "https://a.example/x/../cb",
                                   "https://a.example/cb?state=1", "https://a.example/cb?iss=x");
  CAPTURE(url);
  auto parsed = parse_client_metadata(R"({"token_endpoint_auth_method":"none",)"
                                      R"("redirect_uris":["https://a.example/ok",)" +
                                      json_quoted(url) + "]}");
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == oauth::ErrorCode::invalid_redirect_uri);
  CHECK(parsed.error().description.starts_with("redirect_uris[1] must not "));
}

}  // namespace
}  // namespace sa::clients
