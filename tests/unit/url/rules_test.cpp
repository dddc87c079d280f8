// The URL rules as one table of tricky URLs: what a client may register, what a base URL in the
// config may be, what a CORS origin is. Each row is the phrase the caller puts after the key.
#include "url/rules.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace sa::url {
namespace {

const std::string kHttps =
    "must use https:// (http:// is allowed only for localhost, 127.0.0.1 and [::1])";
const std::string kAbsolute = "expected an absolute https:// URL";
const std::string kNoHost = "expected an absolute URL with a host";
const std::string kUserInfo = "must not contain user info";
const std::string kBadHost = "has an invalid host";
const std::string kBadPort = "has an invalid port";
const std::string kNotUrl = "is not a valid URL (RFC 3986)";
const std::string kChars = "must not contain spaces, control or non-ASCII characters";
const std::string kFragment = "must not have a fragment";
const std::string kDots =
    "must not contain \".\" or \"..\" path segments: browsers resolve them, so the URL visited "
    "would not be the one registered (RFC 3986 §5.2.4, RFC 6749 §3.1.2)";
std::string reserved(const std::string& name) {
  return "must not have a query parameter \"" + name +
         "\": the authorization response adds its own (RFC 6749 §4.1.2, RFC 9207)";
}

TEST_CASE("a redirect URI is an absolute https URL without user info or fragment", "[url][rules]") {
  // DCR-3 / RFC 6749 §3.1.2, RFC 8252 §7.3 and §8.3.
  auto [text, problem] = GENERATE_REF(table<std::string, std::string>({
      {"https://a.example/cb", ""},
      {"https://a.example/cb?x=1&y=2", ""},
      {"https://a.example", ""},
      {"https://a.example:8443/cb", ""},
      {"https://a_b.example/cb", ""},
      {"https://a.example/cb?x=%23", ""},
      {"https://a.example/p@th?u@x", ""},
      // Scheme and host are case-insensitive (RFC 3986 §3.1, §3.2.2).
      {"HTTPS://A.EXAMPLE/cb", ""},
      {"http://LOCALHOST/cb", ""},
      // Loopback: http is fine, in any spelling of the address.
      {"http://localhost:9000/cb", ""},
      {"http://127.0.0.1/cb", ""},
      {"http://[::1]:9000/cb", ""},
      {"http://[0:0:0:0:0:0:0:1]/cb", ""},
      {"https://[2001:db8::1]:8443/cb", ""},
      {"http://a.example/cb", kHttps},
      {"http://localhost.evil.example/cb", kHttps},
      {"http://127.0.0.2/cb", kHttps},
      {"http://[::2]/cb", kHttps},
      // Fragments, empty or not, wherever the '#' is.
      {"https://a.example/cb#f", kFragment},
      {"https://a.example/cb#", kFragment},
      {"https://a.example#", kFragment},
      {"https://a.example/cb?x=#", kFragment},
      {"https://a#@evil.example/cb", kFragment},
      // User info, however spelled (RFC 3986 §7.5).
      {"https://u@a.example/", kUserInfo},
      {"https://@a.example/", kUserInfo},
      {"https://u:p@a.example/", kUserInfo},
      {"https://u@/cb", kUserInfo},
      // Hosts.
      {"https:///cb", kNoHost},
      {"https://", kNoHost},
      {"https:/cb", kNoHost},
      {"https:cb", kNoHost},
      {"https://:443/cb", kNoHost},
      {"https://%61.example/cb", kBadHost},
      {"http://%6c%6fcalhost/cb", kBadHost},
      {"https://a!b.example/cb", kBadHost},
      {"https://a~b.example/cb", kBadHost},
      {"https://[v1.x]/cb", kBadHost},
      {"http://0x7f.1/cb", kBadHost},
      {"http://127.000.000.001/cb", kBadHost},
      {"http://2130706433/cb", kBadHost},
      {"https://1.2.3/cb", kBadHost},
      {"https://[zz]/cb", kNotUrl},
      {"https://[::1/cb", kNotUrl},
      {"https://2001:db8::1/cb", kBadPort},
      {"https://[fe80::1%25eth0]/cb", kNotUrl},
      // Ports.
      {"https://a.example:65535/cb", ""},
      {"https://a.example:/cb", kBadPort},
      {"https://a.example:0/cb", kBadPort},
      {"https://a.example:65536/cb", "has a port above 65535"},
      {"https://a.example:99999999999999999999/cb", "has a port above 65535"},
      {"https://a.example:x/cb", kBadPort},
      {"https://a.example:12ab/cb", kBadPort},
      {"https://a.example:443@evil.example/cb", kUserInfo},
      // Not RFC 3986: backslashes, brackets in a path, bad escapes.
      {"https://a.example\\@evil.example/", kNotUrl},
      {"https:\\\\a.example/cb", kNotUrl},
      {"https://a.example/c\\b", kNotUrl},
      {"https://a.example/[x]", kNotUrl},
      {"https://a.example/cb?x=|", kNotUrl},
      {"https://a.example/cb%zz", kNotUrl},
      {"https://a.example/cb?x=%", kNotUrl},
      // Spaces, controls and raw non-ASCII.
      {"https://a.example/c b", kChars},
      {" https://a.example/cb", kChars},
      {"https://a.example/cb\t", kChars},
      {"https://a.example/cb\n", kChars},
      {"https://a.example/caf\xc3\xa9", kChars},
      {"https://\xc3\xa9.example/cb", kChars},
      // Not an absolute http(s) URL.
      {"javascript:alert(1)", kAbsolute},
      {"javascript://a.example/%0aalert(1)", kAbsolute},
      {"data:text/html,<b>x</b>", kAbsolute},
      {"ftp://a.example/cb", kAbsolute},
      {"/cb", kAbsolute},
      {"//a.example/cb", kAbsolute},
      {"cb", kAbsolute},
      {"", kAbsolute},
  }));
  CAPTURE(text);
  CHECK(check_client_url(text, ClientUrlUse::redirect_uri).value_or("") == problem);
}

TEST_CASE("only a link may have a fragment; every other client URL follows the redirect rules",
          "[url][rules]") {
  CHECK_FALSE(check_client_url("https://app.example/about#team", ClientUrlUse::link));
  CHECK(check_client_url("https://a.example/jwks#k", ClientUrlUse::jwks_uri) == kFragment);
  CHECK(check_client_url("https://a.example/launch#x", ClientUrlUse::launch_uri) == kFragment);
  const ClientUrlUse use = GENERATE(ClientUrlUse::redirect_uri, ClientUrlUse::jwks_uri,
                                    ClientUrlUse::launch_uri, ClientUrlUse::link);
  CHECK(check_client_url("http://a.example/x", use) == kHttps);
  CHECK(check_client_url("https://u@a.example/x", use) == kUserInfo);
  CHECK_FALSE(check_client_url("https://a.example/x?y=1", use));
}

TEST_CASE("a redirect URI or base URL with dot segments is refused, however they are encoded",
          "[url][rules]") {
  // AUTHZ-3 / RFC 6749 §3.1.2: redirect URIs are compared as strings, but a browser removes dot
  // segments (RFC 3986 §5.2.4, WHATWG URL: "." "%2e" ".%2E" "%2e%2e" alike) before it visits.
  auto [text, refused] = GENERATE(table<std::string, bool>({
      {"https://a.example/x/../cb", true},
      {"https://a.example/./cb", true},
      {"https://a.example/cb/.", true},
      {"https://a.example/cb/..", true},
      {"https://a.example/..", true},
      {"https://a.example/x/%2e%2e/cb", true},
      {"https://a.example/x/%2E/cb", true},
      {"https://a.example/x/.%2e/cb", true},
      {"https://a.example/x/%2E./cb", true},
      {"https://a.example/.well-known/cb", false},
      {"https://a.example/x..y/cb", false},
      {"https://a.example/.../cb", false},
      {"https://a.example/x/%2e%2e%2fcb", false},  // an encoded '/' does not split a segment
      {"https://a.example/cb?next=/../x", false},  // the query has no segments
      {"https://a.example//cb", false},
  }));
  CAPTURE(text);
  CHECK(check_client_url(text, ClientUrlUse::redirect_uri).value_or("") == (refused ? kDots : ""));
  const std::string base = text.substr(0, text.find('?'));
  const std::string base_problem = check_base_url(base).value_or("");
  CHECK((base_problem.find("path segments") != std::string::npos) == refused);
  if (refused) {
    CHECK(base_problem ==
          "must not contain \".\" or \"..\" path segments: endpoint URLs are built on it as a "
          "string (RFC 3986 §5.2.4)");
  }
}

TEST_CASE("a redirect URI may not carry a parameter the authorization response adds",
          "[url][rules]") {
  // AUTHZ-9, AUTHZ-5 / RFC 6749 §4.1.2, §4.1.2.1 and RFC 9207: code, state, iss and the error
  // parameters are appended to the redirect URI; one already there would reach the app twice.
  auto [text, name] = GENERATE(table<std::string, std::string>({
      {"https://a.example/cb?code=1", "code"},
      {"https://a.example/cb?state", "state"},
      {"https://a.example/cb?x=1&iss=https://as", "iss"},
      {"https://a.example/cb?error=", "error"},
      {"https://a.example/cb?error_description=x&y=2", "error_description"},
      {"https://a.example/cb?error_uri=https://e", "error_uri"},
      {"https://a.example/cb?%63ode=1", "code"},  // names are compared decoded
      {"https://a.example/cb?st%61te=1", "state"},
      {"https://a.example/cb?codes=1", ""},
      {"https://a.example/cb?x=code", ""},
      {"https://a.example/cb?co+de=1", ""},
      {"https://a.example/cb?Code=1", ""},  // parameter names are case-sensitive
      {"https://a.example/cb?x=1&&y=2", ""},
  }));
  CAPTURE(text);
  CHECK(check_client_url(text, ClientUrlUse::redirect_uri).value_or("") ==
        (name.empty() ? "" : reserved(name)));
  // A launch URL gets iss and launch, a jwks_uri and a link get nothing: only redirect URIs.
  CHECK_FALSE(check_client_url(text, ClientUrlUse::launch_uri));
  CHECK_FALSE(check_client_url(text, ClientUrlUse::jwks_uri));
  CHECK_FALSE(check_client_url(text, ClientUrlUse::link));
}

TEST_CASE("a base URL is a client URL with no query, fragment or trailing slash", "[url][rules]") {
  // RFC 8414 §2 for the issuer; the FHIR base URL follows the same rules.
  auto [text, problem] = GENERATE_REF(table<std::string, std::string>({
      {"https://auth.example.org", ""},
      {"https://auth.example.org/smart/r4", ""},
      {"http://localhost:8080", ""},
      {"http://[::1]:8080/fhir", ""},
      {"HTTPS://Auth.Example.org", ""},
      {"http://auth.example.org", kHttps},
      {"https://auth.example.org/", "must not end with a slash"},
      {"https://auth.example.org/fhir/", "must not end with a slash"},
      {"https://auth.example.org?", "must not have a query or fragment"},
      {"https://auth.example.org/fhir?x=1", "must not have a query or fragment"},
      {"https://auth.example.org#", "must not have a query or fragment"},
      {"https://u@auth.example.org", kUserInfo},
      {"https://auth.example.org/f%zz", kNotUrl},
      {"https://auth.example.org/caf\xc3\xa9", kChars},
      {"https://localhost:8443/", "must not end with a slash"},
      {"http://localhost.evil.com", kHttps},
      {"https://user:pw@example.org", kUserInfo},
      {"https://exa mple.org", kChars},
      {"https://example.org:99999", "has a port above 65535"},
      {"https://example.org:x", kBadPort},
      {"https://", kNoHost},
      {"https:///fhir", kNoHost},
      {"auth.example.org", kAbsolute},
      {"ftp://example.org", kAbsolute},
      {"/fhir", kAbsolute},
      {"", kAbsolute},
  }));
  CAPTURE(text);
  CHECK(check_base_url(text).value_or("") == problem);
}

TEST_CASE("a CORS origin is scheme://host[:port] and nothing else", "[url][rules]") {
  auto [text, ok] = GENERATE(table<std::string, bool>({
      {"https://app.example.com", true},
      {"http://localhost:3000", true},
      {"http://app.example.com", true},
      {"https://[::1]:8443", true},
      {"https://app.example.com/", false},
      {"https://app.example.com/path", false},
      {"https://app.example.com?", false},
      {"https://app.example.com#", false},
      {"https://u@app.example.com", false},
      {"*", false},
      {"null", false},
      {"app.example.com", false},
  }));
  CAPTURE(text);
  CHECK(!check_origin(text).has_value() == ok);
}

TEST_CASE("the loopback hosts are localhost, 127.0.0.1 and ::1, in any spelling of the address",
          "[url][rules]") {
  // RFC 8252 §7.3 (the IP literals 127.0.0.1 and ::1) and §8.3 (localhost, NOT RECOMMENDED but
  // working); other 127/8 addresses are not what a native app listens on.
  auto [host, loopback] = GENERATE(table<std::string, bool>({
      {"localhost", true},
      {"LocalHost", true},
      {"127.0.0.1", true},
      {"::1", true},
      {"[::1]", true},
      {"0:0:0:0:0:0:0:1", true},
      {"[0:0::1]", true},
      {"127.0.0.2", false},
      {"127.000.000.001", false},
      {"0x7f.1", false},
      {"2130706433", false},
      {"::ffff:127.0.0.1", false},
      {"[::2]", false},
      {"localhost.evil.example", false},
      {"a.localhost", false},
      {"", false},
  }));
  CAPTURE(host);
  CHECK(is_loopback_host(host) == loopback);
}

TEST_CASE("a checked URL splits into scheme, host, port and request target", "[url][rules]") {
  auto [text, https, host, port, target] =
      GENERATE(table<std::string, bool, std::string, int, std::string>({
          {"https://a_b.example/jwks", true, "a_b.example", 443, "/jwks"},
          {"HTTPS://Keys.Example.org/.well-known/jwks.json?x=1", true, "keys.example.org", 443,
           "/.well-known/jwks.json?x=1"},
          {"http://127.0.0.1:8080", false, "127.0.0.1", 8080, "/"},
          {"http://localhost/k", false, "localhost", 80, "/k"},
          {"https://[::1]:9443/jwks", true, "::1", 9443, "/jwks"},
          {"https://[0:0:0:0:0:0:0:1]/k", true, "::1", 443, "/k"},
          {"https://[2001:DB8::1]/k", true, "2001:db8::1", 443, "/k"},
          {"https://a.example?x=1", true, "a.example", 443, "/?x=1"},
          {"https://a.example:443/p%20q?r=%26", true, "a.example", 443, "/p%20q?r=%26"},
      }));
  CAPTURE(text);
  auto parts = split_client_url(text, ClientUrlUse::jwks_uri);
  REQUIRE(parts);
  CHECK(parts->https == https);
  CHECK(parts->host == host);
  CHECK(parts->port == port);
  CHECK(parts->target == target);
}

TEST_CASE("splitting refuses what checking refuses, with the same phrase", "[url][rules]") {
  const std::string text =
      GENERATE(as<std::string>{}, "https://a.example/cb#f", "http://a.example/",
               "https://u@a.example/", "ftp://a/", "https://a.example:0/", "https://%61.example/");
  CAPTURE(text);
  auto parts = split_client_url(text, ClientUrlUse::jwks_uri);
  REQUIRE_FALSE(parts);
  CHECK(parts.error() == check_client_url(text, ClientUrlUse::jwks_uri));
  auto base = split_base_url(text);
  REQUIRE_FALSE(base);
  CHECK(base.error() == check_base_url(text));
}

TEST_CASE("a base URL splits the same way, so its host can go into a certificate", "[url][rules]") {
  auto parts = split_base_url("https://Auth.Example.org:8443/smart");
  REQUIRE(parts);
  CHECK(parts->host == "auth.example.org");
  CHECK(parts->host_kind == HostKind::name);
  CHECK(parts->port == 8443);
  CHECK(split_base_url("https://[2001:db8::1]")->host_kind == HostKind::ipv6);
  CHECK(split_base_url("https://192.0.2.1")->host_kind == HostKind::ipv4);
}

}  // namespace
}  // namespace sa::url

namespace sa::url {
namespace {

// CTX-3: fhirContext canonical and role values are absolute URIs of any scheme.
TEST_CASE("an absolute URI has a scheme, no fragment and nothing unprintable", "[url][rules]") {
  for (const char* good : {"http://hl7.org/fhir/Questionnaire/phq-9", "urn:oid:2.16.840.1.113883",
                           "https://example.org/roles/source", "urn:uuid:1"}) {
    INFO(good);
    CHECK_FALSE(check_absolute_uri(good));
  }
  for (const char* bad : {"", "Questionnaire/phq-9", "launch", "//example.org/x",
                          "https://example.org/x#frag", "https://example.org/a b", "1http://x"}) {
    INFO(bad);
    CHECK(check_absolute_uri(bad) == std::optional<std::string>(
                                         "must be an absolute URI (RFC 3986 §4.3)"));
  }
}

}  // namespace
}  // namespace sa::url
