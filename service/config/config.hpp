// Plain settings structs, one per component, filled once at start-up by load_config()
// (config/loader.hpp). Components receive only their own struct; nothing reads YAML lazily.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sa::config {

struct Endpoint {
  std::string host;        // as written: "127.0.0.1", "0.0.0.0", "localhost", "::1"
  std::uint16_t port = 0;  // 0 = ephemeral (tests)
};

struct TlsSettings {
  std::string cert_file;  // PEM chain; empty together with key_file = generate local CA + cert
  std::string key_file;   // PEM private key
};

struct PlainHttpSettings {
  bool enabled = false;  // plain HTTP for use behind a TLS-terminating proxy only
  Endpoint listen{"127.0.0.1", 8080};
};

struct LimitSettings {
  std::uint32_t max_header_bytes = 16 * 1024;
  std::uint32_t max_body_bytes = 64 * 1024;
  std::uint32_t header_timeout_ms = 10'000;  // from accept / end of last response to full headers
  std::uint32_t body_timeout_ms = 10'000;    // to read the body once headers are in
  std::uint32_t idle_timeout_ms = 60'000;    // keep-alive connection with no request in progress
  std::uint32_t max_connections = 4096;
  // Most simultaneous connections from one address (an IPv4-mapped IPv6 peer counts as its
  // IPv4 address), so one client cannot fill max_connections. 1..max_connections; when unset,
  // 256 or max_connections if that is lower.
  std::uint32_t max_connections_per_ip = 256;
};

struct ServerSettings {
  Endpoint listen{"127.0.0.1", 8443};
  std::string public_base_url = "https://localhost:8443";  // the issuer; no trailing slash
  std::uint32_t threads = 0;                               // 0 = number of cores
  TlsSettings tls;
  PlainHttpSettings plain_http;
  LimitSettings limits;
  std::uint32_t shutdown_grace_ms = 5'000;
  std::vector<std::string> cors_allowed_origins;  // empty = any origin ("*") on CORS routes
};

struct StoreSettings {
  std::string path = "data/smart-auth.db";
  std::uint32_t busy_timeout_ms = 5'000;
  // The longest the writer holds a batch open while the I/O threads are still adding to it.
  std::uint32_t group_commit_window_us = 5'000;
  std::uint32_t max_batch = 512;                 // most writes in one transaction
  std::uint32_t read_connections = 4;
};

enum class AccessTokenAlg { ES256, RS256 };

struct KeySettings {
  AccessTokenAlg access_token_alg = AccessTokenAlg::ES256;
  // After rotate-keys, an old public key stays in JWKS this long (>= the longest token lifetime).
  std::uint32_t retired_key_ttl_s = 86'400;
  std::uint32_t reload_interval_s = 30;  // how often a running server re-reads keys from the store
};

struct SmartSettings {
  std::string fhir_base_url = "https://localhost:8443/fhir";  // the `aud` tokens are issued for
  std::vector<std::string> scopes_supported;  // advertised in discovery; empty = built-in list
  std::string management_endpoint;            // optional URL of the EHR's app-management page
};

enum class RegistrationMode { open, initial_access_token, closed };

// What a client registered without an initial access token may hold at most: the patient/,
// user/, launch and OIDC scopes (v2 wildcards also cover the v1 spellings), never system/.
inline constexpr std::string_view kDefaultRegistrationMaxScope =
    "openid fhirUser profile launch launch/patient launch/encounter offline_access online_access "
    "patient/*.cruds user/*.cruds";

// An RFC 7591 §3 initial access token: presented as a Bearer token at registration, it lets the
// client hold up to `max_scope` (system/ scopes and client_credentials need one).
struct InitialAccessToken {
  std::string token;  // the bearer secret, >= 32 characters, usually ${ENV}; empty with generate
  bool generate = false;    // generated on first start and kept in <data_dir>/initial_access_token
  std::string max_scope;    // space-separated; required
  std::string description;  // who holds it; in the audit log of each client it registers
};

struct RegistrationSettings {
  RegistrationMode mode = RegistrationMode::open;
  // The cap without a token (CONTRACT "Registration policy"); may not contain system/ scopes.
  std::string max_scope = std::string(kDefaultRegistrationMaxScope);
  // Required in mode initial_access_token; in mode open a presented one raises the cap.
  std::vector<InitialAccessToken> initial_access_tokens;
  // client_secret_expires_at for newly issued secrets; 0 = never expires.
  std::uint32_t client_secret_lifetime_s = 0;
};

// A client declared by the EHR in the YAML (an EHR-curated app). Same metadata as RFC 7591.
struct StaticClient {
  std::string client_id;
  std::string client_name;
  std::string token_endpoint_auth_method = "client_secret_basic";
  std::string client_secret;  // for client_secret_basic/_post; use ${ENV}
  std::vector<std::string> redirect_uris;
  std::vector<std::string> grant_types = {"authorization_code"};
  std::string scope;     // the most this client may ever be granted (space-separated)
  std::string jwks;      // inline JWKS document (JSON text) for private_key_jwt
  std::string jwks_uri;  // or a URL serving it
  std::string launch_uri;
  bool pre_approved = false;  // the EHR vouches for the app: no consent screen
};

struct ClientAuthSettings {
  std::uint32_t assertion_max_lifetime_s = 300;  // exp may be at most this far ahead
  std::uint32_t clock_skew_s = 60;
  std::uint32_t jwks_fetch_timeout_ms = 3'000;
  std::uint32_t jwks_max_bytes = 64 * 1024;
  std::uint32_t jwks_default_cache_s = 300;  // when the response has no Cache-Control max-age
  std::uint32_t jwks_max_cache_s = 86'400;
  // An unknown kid triggers a refetch of a cached jwks_uri at most this often (rotation pick-up
  // versus letting made-up kids hammer the client's server).
  std::uint32_t jwks_min_refetch_interval_s = 10;
  // SSRF guard: jwks_uri resolving to loopback is refused unless this is on (then plain http on
  // loopback is allowed too). Private and link-local ranges are always refused.
  bool jwks_allow_loopback = false;
  std::string jwks_ca_file;  // CA bundle for jwks_uri fetches; empty = system store
};

// Brute-force limits (SMART App Launch 2.2, Client Confidential Symmetric: MUST rate-limit brute
// force). Failed client authentication at the token endpoint is counted per peer address and per
// client_id; once either is over budget every attempt, even a correct one, is answered 429 until
// its window closes. Registration counts every attempt per address.
struct RateLimitSettings {
  bool enabled = true;
  std::uint32_t window_s = 60;
  std::uint32_t failed_auth_per_ip = 50;
  std::uint32_t failed_auth_per_client = 20;
  std::uint32_t registration_per_ip = 20;
  // Authorization requests per address: each one starts a stored transaction.
  std::uint32_t authorize_per_ip = 300;
  // Failed logins on the authorize pages, per username and per address (back-off: over budget,
  // every attempt is refused until the window closes, a correct password included).
  std::uint32_t failed_login_per_user = 5;
  std::uint32_t failed_login_per_ip = 30;
  // EHR launch API calls with a wrong key, per address.
  std::uint32_t failed_launch_auth_per_ip = 20;
  std::uint32_t max_tracked_keys = 100'000;  // per limit; the least recently seen key goes first
};

struct TokenSettings {
  std::uint32_t access_token_lifetime_s = 300;  // client_credentials (SMART Backend Services)
  // How a client_credentials client may authenticate. SMART Backend Services: the client SHALL
  // register a public key set, so private_key_jwt only unless the operator adds secret methods.
  std::vector<std::string> client_credentials_auth_methods = {"private_key_jwt"};
  // Access tokens from authorization_code and refresh_token (launched apps). At most an hour:
  // ONC (g)(10) asks that revoking an app's access take effect within one hour, and a FHIR
  // server that checks only the JWT's signature and exp honours revocation at its expiry.
  std::uint32_t app_access_token_lifetime_s = 3'600;
  std::uint32_t id_token_lifetime_s = 3'600;  // OIDC Core §2 exp of id_tokens
  // offline_access refresh tokens live this long from their issue, renewed on each rotation
  // (ONC (g)(10): at least three months). online_access ones end with the login session.
  std::uint32_t offline_refresh_lifetime_s = 90 * 86'400;
  // A rotated refresh token presented again within this many seconds gets a fresh pair (an app's
  // own concurrent refreshes); later, the reuse revokes its whole family (RFC 9700 §4.14.2).
  std::uint32_t refresh_reuse_grace_s = 5;
  // OIDC Core §12.2: a refresh response "might not contain an id_token". Off by default: an
  // RS256 signature costs about a millisecond of CPU, many times the rest of a refresh, and the
  // app already holds the id_token of its authorization.
  bool id_token_on_refresh = false;
};

// A resource server (the EHR's FHIR server) allowed to call the introspection endpoint without
// being a registered client: HTTP Basic with id and secret (RFC 7662 §2.1).
struct ResourceServerCredential {
  std::string id;
  std::string secret;       // >= 32 characters, usually ${ENV}; compared as a hash
  std::string description;  // who holds it, for the audit log
};

struct IntrospectionSettings {
  std::vector<ResourceServerCredential> resource_servers;
};

// CONTRACT "User directory adapter": who users are and what they may delegate comes from the
// EHR, through one of two adapters.
enum class DirectoryAdapter { builtin, http };

struct BuiltinDirectorySettings {
  // Users (argon2id password hashes), patients and encounters; see config/demo-directory.yaml.
  std::string file = "config/demo-directory.yaml";
  std::uint32_t password_threads = 1;  // threads verifying argon2id hashes, off the I/O threads
};

struct HttpDirectorySettings {
  std::string base_url;           // https://..., no trailing slash; required with adapter http
  std::string bearer_token;       // sent as Authorization: Bearer (usually ${ENV}); or a cert:
  std::string client_cert_file;   // PEM client certificate for mutual TLS
  std::string client_key_file;    // PEM key for client_cert_file; set both or neither
  std::string ca_file;            // CA bundle the directory's certificate must chain to; "" = system
  std::uint32_t timeout_ms = 3'000;            // each call, whole: connect, TLS, request, answer
  std::uint32_t max_response_bytes = 256 * 1024;
  // The directory usually sits on a private network. Which addresses it may resolve to is the
  // operator's explicit choice, separate from the SSRF guard for client URLs.
  bool allow_private_addresses = true;  // RFC 1918, RFC 6598, unique-local; never link-local
  bool allow_loopback = false;          // 127.0.0.0/8, ::1 (then plain http:// too)
  std::uint32_t user_cache_s = 60;      // find_user answers kept this long; 0 = no cache
  std::uint32_t user_cache_entries = 1'000;
};

struct DirectorySettings {
  DirectoryAdapter adapter = DirectoryAdapter::builtin;
  BuiltinDirectorySettings builtin;
  HttpDirectorySettings http;
};

// CONTRACT "EHR launch-context API" (POST /auth/launch).
struct LaunchSettings {
  // The EHR's Bearer key for POST /auth/launch, >= 32 characters (usually ${ENV}). Empty and
  // generate false: the launch API answers 401 to everyone.
  std::string ehr_api_key;
  bool generate_ehr_api_key = false;  // generated on first start, kept in <data_dir>/ehr_api_key
  std::uint32_t expires_in_s = 300;   // a launch not used by then is refused
  // smart_style_url for launches that do not give one; "" = this server's /smart-style.json.
  std::string default_smart_style_url;
};

// The authorization endpoint (RFC 6749 §4.1, SMART App Launch 2.2 "App Launch").
struct AuthorizeSettings {
  // `aud` values accepted besides smart.fhir_base_url (other FHIR bases this server serves).
  std::vector<std::string> accepted_fhir_base_urls;
  std::uint32_t code_lifetime_s = 60;          // RFC 6749 §4.1.2: short-lived, at most 60
  std::uint32_t transaction_lifetime_s = 900;  // login, pickers and consent must finish by then
  std::uint32_t session_lifetime_s = 28'800;   // a login is reused for at most this long
  std::uint32_t session_idle_timeout_s = 1'800;  // ... and ends after this long unused
  bool remember_consent = true;  // skip the consent page when a past approval covers the request
};

// Server-rendered HTML pages (login, pickers, consent, errors).
struct PageSettings {
  // Files here named like a built-in template (login.mustache, ...) replace it; "" = built-ins.
  std::string template_dir;
  // Content-Security-Policy frame-ancestors sources, e.g. [https://ehr.example.com]; [] = 'none'.
  std::vector<std::string> frame_ancestors;
};

// The demo EHR launcher and sample app (service/demo/, README "Demo walk-through"): pages at
// /demo/ that play an EHR whose user is already logged in, so anyone who can reach them may launch
// an app as any user of the builtin directory. Demo only: off unless a config turns it on.
struct DemoSettings {
  bool enabled = false;
};

// With demo.enabled the loader adds the sample app as a public static client (schema.cpp): its
// redirect_uri is <server.public_base_url><kDemoAppPath>, its launch_uri
// <server.public_base_url><kDemoAppLaunchPath>. service/demo/ serves both paths.
inline constexpr std::string_view kDemoAppClientId = "demo-app";
inline constexpr std::string_view kDemoAppPath = "/demo/app/";
inline constexpr std::string_view kDemoAppLaunchPath = "/demo/app/launch.html";
inline constexpr std::string_view kDemoAppScope =
    "openid fhirUser profile launch launch/patient launch/encounter offline_access "
    "patient/*.rs user/*.rs";

enum class LogLevel { trace, debug, info, warn, error };

struct LogSettings {
  LogLevel level = LogLevel::info;
  bool audit = true;  // the audit channel (security decisions)
};

struct Config {
  std::string data_dir = "data";  // generated CA/cert land here; relative paths are from CWD
  ServerSettings server;
  StoreSettings store;
  KeySettings keys;
  SmartSettings smart;
  RegistrationSettings registration;
  std::vector<StaticClient> clients;
  ClientAuthSettings client_auth;
  RateLimitSettings rate_limits;
  TokenSettings tokens;
  IntrospectionSettings introspection;
  DirectorySettings directory;
  LaunchSettings launch;
  AuthorizeSettings authorize;
  PageSettings pages;
  DemoSettings demo;
  LogSettings log;
};

}  // namespace sa::config
