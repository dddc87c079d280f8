#include "config/schema.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <set>
#include <utility>

#include "scopes/scope.hpp"
#include "url/rules.hpp"
#include "util/strings.hpp"

namespace sa::config {
namespace {

constexpr IntRange kPositive{1};

ScalarRule origin_rule() {
  return {"origins like https://app.example.com",
          [](const std::string& text) { return url::check_origin(text); }};
}
ScalarRule scope_rule() {
  return {"scope strings", [](const std::string& text) { return check_scope_token(text); }};
}

// A space-separated scope string, through the same parser (and so the same bounds,
// scopes::kMaxScopeTokens and kMaxScopeBytes) as the scopes clients send. "" is allowed.
std::optional<std::string> check_scope_string(const std::string& text, bool allow_system) {
  if (text.empty()) return std::nullopt;
  auto parsed = scopes::parse_scope_string(text);
  if (!parsed) return parsed.error().message();
  if (allow_system) return std::nullopt;
  for (const scopes::Scope& s : *parsed) {
    if (s.kind == scopes::ScopeKind::Resource && s.resource.context == scopes::Context::system) {
      // CONTRACT "Registration policy": system/ access needs an initial access token.
      return s.text + ": system/ scopes need an initial access token with its own max_scope";
    }
  }
  return std::nullopt;
}

ScalarRule scope_string_rule(std::string& out, bool allow_system) {
  return {allow_system ? "space-separated scopes" : "space-separated scopes without system/",
          [&out, allow_system](const std::string& text) {
            auto problem = check_scope_string(text, allow_system);
            if (!problem) out = text;
            return problem;
          }};
}

void read_limits(MapReader& in, const LoadContext& context, LimitSettings& out) {
  in.uint("max_header_bytes", out.max_header_bytes, {1024, 1024 * 1024});
  in.uint("max_body_bytes", out.max_body_bytes, {1024, 64 * 1024 * 1024});
  in.uint("header_timeout_ms", out.header_timeout_ms, kPositive);
  in.uint("body_timeout_ms", out.body_timeout_ms, kPositive);
  in.uint("idle_timeout_ms", out.idle_timeout_ms, kPositive);
  in.uint("max_connections", out.max_connections, kPositive);
  std::uint32_t per_ip = 0;  // stays 0 when the key is absent (0 itself is out of range)
  in.uint("max_connections_per_ip", per_ip, kPositive);
  if (per_ip == 0) {
    // The default must not exceed a small max_connections the operator chose.
    out.max_connections_per_ip = std::min(out.max_connections_per_ip, out.max_connections);
  } else if (per_ip > out.max_connections) {
    context.fail(in.path_of("max_connections_per_ip"),
                 "must not exceed " + in.path_of("max_connections") + " (" +
                     std::to_string(out.max_connections) + "), got \"" + std::to_string(per_ip) +
                     "\"");
  } else {
    out.max_connections_per_ip = per_ip;
  }
}

void read_tls(MapReader& in, const LoadContext& context, TlsSettings& out) {
  const std::size_t errors_before = context.errors.size();
  in.text("cert", out.cert_file, true);
  in.text("key", out.key_file, true);
  if (context.errors.size() != errors_before) return;  // don't pile a pairing error on top
  // Half a pair is a typo, not a request to generate a certificate.
  if (!out.cert_file.empty() && out.key_file.empty()) {
    context.fail(in.path_of("key"), "must be set when " + in.path_of("cert") + " is set");
  } else if (out.cert_file.empty() && !out.key_file.empty()) {
    context.fail(in.path_of("cert"), "must be set when " + in.path_of("key") + " is set");
  }
}

void read_server(MapReader& in, const LoadContext& context, ServerSettings& out) {
  in.endpoint("listen", out.listen);
  in.base_url("public_base_url", out.public_base_url, false);
  in.uint("threads", out.threads, {0, 1024});
  in.section("tls", [&](MapReader& tls) { read_tls(tls, context, out.tls); });
  in.section("plain_http", [&](MapReader& plain) {
    plain.flag("enabled", out.plain_http.enabled);
    plain.endpoint("listen", out.plain_http.listen);
  });
  in.section("limits", [&](MapReader& limits) { read_limits(limits, context, out.limits); });
  in.uint("shutdown_grace_ms", out.shutdown_grace_ms, kPositive);
  in.list("cors_allowed_origins", out.cors_allowed_origins, origin_rule());

  const Endpoint& plain = out.plain_http.listen;
  if (out.plain_http.enabled && plain.port != 0 && plain.port == out.listen.port &&
      plain.host == out.listen.host) {
    context.fail(in.path_of("plain_http.listen"),
                 "must differ from " + in.path_of("listen") + " when plain HTTP is enabled");
  }
}

void read_store(MapReader& in, StoreSettings& out) {
  in.text("path", out.path, false);
  in.uint("busy_timeout_ms", out.busy_timeout_ms, kPositive);
  in.uint("group_commit_window_us", out.group_commit_window_us, {0, 100'000});
  in.uint("max_batch", out.max_batch, {1, 100'000});
  in.uint("read_connections", out.read_connections, {1, 64});
}

void read_keys(MapReader& in, KeySettings& out) {
  in.scalar("access_token_alg",
            {"ES256 or RS256", [&](const std::string& text) -> std::optional<std::string> {
               auto alg = parse_access_token_alg(text);
               if (!alg) return alg.error();
               out.access_token_alg = *alg;
               return std::nullopt;
             }});
  in.uint("retired_key_ttl_s", out.retired_key_ttl_s, kPositive);
  in.uint("reload_interval_s", out.reload_interval_s, kPositive);
}

void read_smart(MapReader& in, SmartSettings& out) {
  in.base_url("fhir_base_url", out.fhir_base_url, false);
  in.list("scopes_supported", out.scopes_supported, scope_rule());
  in.base_url("management_endpoint", out.management_endpoint, true);
}

void read_log(MapReader& in, LogSettings& out) {
  in.scalar("level", {"a log level", [&](const std::string& text) -> std::optional<std::string> {
                        auto level = parse_log_level(text);
                        if (!level) return level.error();
                        out.level = *level;
                        return std::nullopt;
                      }});
  in.flag("audit", out.audit);
}

// RFC 7591 §3: an initial access token is a bearer secret; short ones can be guessed. Its value
// is never echoed in an error.
void read_initial_access_token(MapReader& in, const LoadContext& context, InitialAccessToken& out) {
  const std::size_t errors_before = context.errors.size();
  in.scalar("token", {"a string", [&](const std::string& text) {
                        out.token = text;
                        return std::optional<std::string>();
                      }});
  in.flag("generate", out.generate);
  in.scalar("max_scope", scope_string_rule(out.max_scope, true));
  in.text("description", out.description, true);
  if (context.errors.size() != errors_before) return;
  if (out.generate && !out.token.empty()) {
    context.fail(in.path_of("token"),
                 "must not be set when " + in.path_of("generate") + " is true");
  } else if (!out.generate && out.token.empty()) {
    context.fail(in.path_of("token"), "is required unless " + in.path_of("generate") + " is true");
  } else if (!out.generate && out.token.size() < 32) {
    context.fail(in.path_of("token"), "must be at least 32 characters");
  }
  if (out.max_scope.empty()) context.fail(in.path_of("max_scope"), "is required");
  if (out.description.empty()) context.fail(in.path_of("description"), "is required");
}

void read_registration(MapReader& in, const LoadContext& context, RegistrationSettings& out) {
  in.scalar("mode", {"open, initial_access_token or closed",
                     [&](const std::string& text) -> std::optional<std::string> {
                       auto mode = parse_registration_mode(text);
                       if (!mode) return mode.error();
                       out.mode = *mode;
                       return std::nullopt;
                     }});
  in.scalar("max_scope", scope_string_rule(out.max_scope, false));
  std::set<std::string> tokens;
  bool generated = false;
  in.each("initial_access_tokens", [&](MapReader& item, std::size_t) {
    InitialAccessToken token;
    read_initial_access_token(item, context, token);
    // One generated token, kept in one file under data_dir.
    if (token.generate && std::exchange(generated, true)) {
      context.fail(item.path_of("generate"), "may be true for one token only");
    }
    if (!token.token.empty() && !tokens.insert(token.token).second) {
      context.fail(item.path_of("token"), "repeats the token of another entry");
    }
    out.initial_access_tokens.push_back(std::move(token));
  });
  in.uint("client_secret_lifetime_s", out.client_secret_lifetime_s, {0, 366 * 86'400});
  if (out.mode == RegistrationMode::initial_access_token && out.initial_access_tokens.empty()) {
    context.fail(in.path_of("initial_access_tokens"),
                 "must list at least one token when " + in.path_of("mode") +
                     " is initial_access_token");
  }
}

constexpr std::array<std::string_view, 4> kAuthMethods = {
    "none", "client_secret_basic", "client_secret_post", "private_key_jwt"};
constexpr std::array<std::string_view, 3> kConfidentialAuthMethods = {
    "client_secret_basic", "client_secret_post", "private_key_jwt"};

ScalarRule one_of(std::string what, std::vector<std::string_view> allowed, std::string& out) {
  return {what, [what, allowed = std::move(allowed), &out](const std::string& text) {
            if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
              return std::optional<std::string>("expected " + what);
            }
            out = text;
            return std::optional<std::string>();
          }};
}

bool has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The same rules as dynamic registration (RFC 7591 §2), checked here so --check-config catches
// them; the JWKS document itself is checked when the clients are loaded at start.
void check_static_client(MapReader& in, const LoadContext& context, const StaticClient& c) {
  const std::string& method = c.token_endpoint_auth_method;
  const bool symmetric = method == "client_secret_basic" || method == "client_secret_post";
  const std::string method_is = " when token_endpoint_auth_method is " + method;
  if (symmetric && c.client_secret.empty()) {
    context.fail(in.path_of("client_secret"), "is required" + method_is);
  } else if (!symmetric && !c.client_secret.empty()) {
    context.fail(in.path_of("client_secret"), "must not be set" + method_is);
  } else if (symmetric && c.client_secret.size() < 32) {
    context.fail(in.path_of("client_secret"), "must be at least 32 characters");
  }
  if (method == "private_key_jwt") {
    if (c.jwks.empty() && c.jwks_uri.empty()) {
      context.fail(in.path_of("jwks"), "jwks or jwks_uri is required" + method_is);
    } else if (!c.jwks.empty() && !c.jwks_uri.empty()) {
      context.fail(in.path_of("jwks"), "must not be set together with jwks_uri");  // RFC 7591 §2
    }
  } else if (!c.jwks.empty() || !c.jwks_uri.empty()) {
    context.fail(in.path_of(c.jwks.empty() ? "jwks_uri" : "jwks"), "must not be set" + method_is);
  }
  if (c.grant_types.empty()) context.fail(in.path_of("grant_types"), "must not be empty");
  if (has(c.grant_types, "authorization_code") && c.redirect_uris.empty()) {
    context.fail(in.path_of("redirect_uris"), "is required for the authorization_code grant");
  }
  // SMART Backend Services: client_credentials needs a confidential client.
  if (has(c.grant_types, "client_credentials") && method == "none") {
    context.fail(in.path_of("grant_types"), "client_credentials needs a confidential client" +
                                                method_is);
  }
}

void read_client(MapReader& in, const LoadContext& context, StaticClient& c) {
  const std::size_t errors_before = context.errors.size();
  in.scalar("client_id", {"a client id", [&](const std::string& text) {
                            auto problem = check_client_id(text);
                            if (!problem) c.client_id = text;
                            return problem;
                          }});
  in.text("client_name", c.client_name, true);
  in.scalar("token_endpoint_auth_method",
            one_of("none, client_secret_basic, client_secret_post or private_key_jwt",
                   {kAuthMethods.begin(), kAuthMethods.end()}, c.token_endpoint_auth_method));
  in.text("client_secret", c.client_secret, true);
  in.list("redirect_uris", c.redirect_uris, {"absolute https:// URLs", [](const std::string& text) {
                                               return url::check_client_url(
                                                   text, url::ClientUrlUse::redirect_uri);
                                             }});
  in.list("grant_types", c.grant_types,
          {"authorization_code, refresh_token or client_credentials", [](const std::string& text) {
             const bool known = text == "authorization_code" || text == "refresh_token" ||
                                text == "client_credentials";
             return known ? std::nullopt : std::optional<std::string>("");
           }});
  in.scalar("scope", {"space-separated scope tokens", [&](const std::string& text) {
                        for (std::string_view token : split(text, ' ')) {
                          if (auto problem = check_scope_token(token)) return problem;
                        }
                        if (auto problem = check_scope_string(text, true)) return problem;
                        c.scope = text;
                        return std::optional<std::string>();
                      }});
  in.text("jwks", c.jwks, true);
  in.scalar("jwks_uri", {"an absolute https:// URL", [&](const std::string& text) {
                           auto problem = url::check_client_url(text, url::ClientUrlUse::jwks_uri);
                           if (!problem) c.jwks_uri = text;
                           return problem;
                         }});
  in.scalar("launch_uri", {"an absolute https:// URL", [&](const std::string& text) {
                             auto problem =
                                 url::check_client_url(text, url::ClientUrlUse::launch_uri);
                             if (!problem) c.launch_uri = text;
                             return problem;
                           }});
  in.flag("pre_approved", c.pre_approved);
  if (c.client_id.empty() && context.errors.size() == errors_before) {
    context.fail(in.path_of("client_id"), "is required");
  }
  if (context.errors.size() == errors_before) check_static_client(in, context, c);
}

// `paths[i]` is the key path of out[i] ("clients[3]"): a client without an id is left out.
void read_clients(MapReader& in, const LoadContext& context, std::vector<StaticClient>& out,
                  std::vector<std::string>& paths) {
  std::set<std::string> seen;
  in.each("clients", [&](MapReader& item, std::size_t i) {
    StaticClient client;
    read_client(item, context, client);
    if (client.client_id.empty()) return;
    if (!seen.insert(client.client_id).second) {
      context.fail(item.path_of("client_id"), "duplicate client_id \"" + client.client_id + "\"");
    }
    out.push_back(std::move(client));
    paths.push_back("clients[" + std::to_string(i) + "]");
  });
}

void read_client_auth(MapReader& in, const LoadContext& context, ClientAuthSettings& out) {
  in.uint("assertion_max_lifetime_s", out.assertion_max_lifetime_s, {1, 3600});
  in.uint("clock_skew_s", out.clock_skew_s, {0, 600});
  in.uint("jwks_fetch_timeout_ms", out.jwks_fetch_timeout_ms, {1, 60'000});
  in.uint("jwks_max_bytes", out.jwks_max_bytes, {1024, 1024 * 1024});
  in.uint("jwks_default_cache_s", out.jwks_default_cache_s, {0, 86'400});
  in.uint("jwks_max_cache_s", out.jwks_max_cache_s, {0, 7 * 86'400});
  in.uint("jwks_min_refetch_interval_s", out.jwks_min_refetch_interval_s, {0, 3600});
  in.flag("jwks_allow_loopback", out.jwks_allow_loopback);
  in.text("jwks_ca_file", out.jwks_ca_file, true);
  if (out.jwks_default_cache_s > out.jwks_max_cache_s) {
    context.fail(in.path_of("jwks_default_cache_s"),
                 "must not exceed " + in.path_of("jwks_max_cache_s"));
  }
}

void read_rate_limits(MapReader& in, RateLimitSettings& out) {
  in.flag("enabled", out.enabled);
  in.uint("window_s", out.window_s, {1, 86'400});
  in.uint("failed_auth_per_ip", out.failed_auth_per_ip, {1, 1'000'000});
  in.uint("failed_auth_per_client", out.failed_auth_per_client, {1, 1'000'000});
  in.uint("registration_per_ip", out.registration_per_ip, {1, 1'000'000});
  in.uint("authorize_per_ip", out.authorize_per_ip, {1, 1'000'000});
  in.uint("failed_login_per_user", out.failed_login_per_user, {1, 1'000'000});
  in.uint("failed_login_per_ip", out.failed_login_per_ip, {1, 1'000'000});
  in.uint("failed_launch_auth_per_ip", out.failed_launch_auth_per_ip, {1, 1'000'000});
  in.uint("max_tracked_keys", out.max_tracked_keys, {1, 10'000'000});
}

void read_pages(MapReader& in, PageSettings& out) {
  in.scalar("template_dir", {"a directory", [&](const std::string& text) {
                               std::error_code ec;
                               if (!text.empty() && !std::filesystem::is_directory(text, ec)) {
                                 return std::optional<std::string>("must be an existing directory");
                               }
                               out.template_dir = text;
                               return std::optional<std::string>();
                             }});
  // CSP 3 frame-ancestors: the EHR that embeds the pages in an iframe (RFC 9700 §4.16).
  in.list("frame_ancestors", out.frame_ancestors,
          {"https:// origins or 'self'", [](const std::string& text) -> std::optional<std::string> {
             if (text == "'self'") return std::nullopt;
             if (text == "self") return "write \"'self'\" (YAML reads 'self' as self)";
             if (text.rfind("https://", 0) != 0) return "";
             return url::check_origin(text);
           }});
}

void read_authorize(MapReader& in, AuthorizeSettings& out) {
  // SMART App Launch 2.2: `aud` must be a FHIR base this server issues tokens for.
  in.list("accepted_fhir_base_urls", out.accepted_fhir_base_urls,
          {"FHIR base URLs (https://..., no trailing slash)",
           [](const std::string& text) { return url::check_base_url(text); }});
  // RFC 6749 §4.1.2: short-lived; SMART App Launch 2.2 recommends about a minute.
  in.uint("code_lifetime_s", out.code_lifetime_s, {1, 60});
  in.uint("transaction_lifetime_s", out.transaction_lifetime_s, {60, 86'400});
  in.uint("session_lifetime_s", out.session_lifetime_s, {0, 30 * 86'400});
  in.uint("session_idle_timeout_s", out.session_idle_timeout_s, {60, 30 * 86'400});
  in.flag("remember_consent", out.remember_consent);
}

void read_tokens(MapReader& in, const LoadContext& context, TokenSettings& out) {
  in.uint("access_token_lifetime_s", out.access_token_lifetime_s, {1, 3600});
  // ONC (g)(10): revocation effective within an hour, which a JWT of at most an hour ensures.
  in.uint("app_access_token_lifetime_s", out.app_access_token_lifetime_s, {60, 3600});
  in.uint("id_token_lifetime_s", out.id_token_lifetime_s, {60, 86'400});
  in.uint("offline_refresh_lifetime_s", out.offline_refresh_lifetime_s, {3600, 400 * 86'400});
  in.uint("refresh_reuse_grace_s", out.refresh_reuse_grace_s, {0, 60});
  in.flag("id_token_on_refresh", out.id_token_on_refresh);
  std::vector<std::string> methods = out.client_credentials_auth_methods;
  in.list(
      "client_credentials_auth_methods", methods,
      {"private_key_jwt, client_secret_basic or client_secret_post", [](const std::string& text) {
         const bool known =
             std::find(kConfidentialAuthMethods.begin(), kConfidentialAuthMethods.end(), text) !=
             kConfidentialAuthMethods.end();
         return known ? std::nullopt : std::optional<std::string>("");
       }});
  if (methods.empty()) {
    context.fail(in.path_of("client_credentials_auth_methods"), "must list at least one method");
  } else {
    out.client_credentials_auth_methods = std::move(methods);
  }
}

// RFC 7662 §2.1: the introspection endpoint's callers besides registered clients.
void read_introspection(MapReader& in, const LoadContext& context, IntrospectionSettings& out) {
  std::set<std::string> ids;
  in.each("resource_servers", [&](MapReader& item, std::size_t) {
    ResourceServerCredential credential;
    item.text("id", credential.id, false);
    item.text("secret", credential.secret, false);
    item.text("description", credential.description, false);
    for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"id", &credential.id},
                                     {"secret", &credential.secret},
                                     {"description", &credential.description}}) {
      if (value->empty()) context.fail(item.path_of(key), "is required");
    }
    // Never echo the secret: only its length is judged.
    if (!credential.secret.empty() && credential.secret.size() < 32) {
      context.fail(item.path_of("secret"), "must be at least 32 characters");
    }
    if (credential.id.find(':') != std::string::npos) {
      context.fail(item.path_of("id"), "must not contain ':' (it is the HTTP Basic user name)");
    }
    if (!credential.id.empty() && !ids.insert(credential.id).second) {
      context.fail(item.path_of("id"), "repeats the id of another entry");
    }
    out.resource_servers.push_back(std::move(credential));
  });
}

// CONTRACT "EHR launch-context API": the EHR's key is a bearer secret, so a short one could be
// guessed; its value is never echoed in an error.
void read_launch(MapReader& in, const LoadContext& context, LaunchSettings& out) {
  const std::size_t errors_before = context.errors.size();
  in.scalar("ehr_api_key", {"a string", [&](const std::string& text) {
                              out.ehr_api_key = text;
                              return std::optional<std::string>();
                            }});
  in.flag("generate_ehr_api_key", out.generate_ehr_api_key);
  in.uint("expires_in_s", out.expires_in_s, {1, 3600});
  in.scalar("default_smart_style_url",
            {"an absolute https:// URL", [&](const std::string& text) {
               // SMART App Launch 2.2, "Styling": apps fetch it, so the client URL rules apply.
               auto problem =
                   text.empty() ? std::nullopt : url::check_client_url(text, url::ClientUrlUse::link);
               if (!problem) out.default_smart_style_url = text;
               return problem;
             }});
  if (context.errors.size() != errors_before) return;
  if (out.generate_ehr_api_key && !out.ehr_api_key.empty()) {
    context.fail(in.path_of("ehr_api_key"),
                 "must not be set when " + in.path_of("generate_ehr_api_key") + " is true");
  } else if (!out.ehr_api_key.empty() && out.ehr_api_key.size() < 32) {
    context.fail(in.path_of("ehr_api_key"), "must be at least 32 characters");
  }
}

// SMART App Launch 2.2, Backend Services: static clients are held to the same methods as
// registered ones, so a mistake shows at --check-config rather than at the token endpoint.
void check_static_client_credentials(const LoadContext& context, const Config& config,
                                     const std::vector<std::string>& paths) {
  const auto& allowed = config.tokens.client_credentials_auth_methods;
  for (std::size_t i = 0; i < config.clients.size(); ++i) {
    const StaticClient& c = config.clients[i];
    // `none` is already reported by check_static_client.
    if (has(c.grant_types, "client_credentials") && c.token_endpoint_auth_method != "none" &&
        !has(allowed, c.token_endpoint_auth_method)) {
      context.fail(paths[i] + ".token_endpoint_auth_method",
                   c.token_endpoint_auth_method +
                       " is not listed in tokens.client_credentials_auth_methods, which "
                       "client_credentials clients must use");
    }
  }
}

// The demo sample app (config.hpp kDemoAppClientId), a public client like any browser app: PKCE,
// no secret. Its id may not be taken by a client of the YAML.
void add_demo_app(const LoadContext& context, Config& config) {
  for (const StaticClient& c : config.clients) {
    if (c.client_id == kDemoAppClientId) {
      context.fail("clients", "client_id " + std::string(kDemoAppClientId) +
                                  " is the demo sample app's while demo.enabled is true");
      return;
    }
  }
  const std::string& base = config.server.public_base_url;
  StaticClient app;
  app.client_id = std::string(kDemoAppClientId);
  app.client_name = "smart-auth sample app (demo)";
  app.token_endpoint_auth_method = "none";
  app.redirect_uris = {base + std::string(kDemoAppPath)};
  app.grant_types = {"authorization_code", "refresh_token"};
  app.scope = std::string(kDemoAppScope);
  app.launch_uri = base + std::string(kDemoAppLaunchPath);
  config.clients.push_back(std::move(app));
}

}  // namespace

void read_config(const YAML::Node& root, const LoadContext& context, Config& config) {
  MapReader in(root, "", context);
  in.text("data_dir", config.data_dir, false);
  in.section("server", [&](MapReader& s) { read_server(s, context, config.server); });
  in.section("store", [&](MapReader& s) { read_store(s, config.store); });
  in.section("keys", [&](MapReader& s) { read_keys(s, config.keys); });
  in.section("smart", [&](MapReader& s) { read_smart(s, config.smart); });
  in.section("registration",
             [&](MapReader& s) { read_registration(s, context, config.registration); });
  std::vector<std::string> client_paths;
  read_clients(in, context, config.clients, client_paths);
  in.section("client_auth", [&](MapReader& s) { read_client_auth(s, context, config.client_auth); });
  in.section("rate_limits", [&](MapReader& s) { read_rate_limits(s, config.rate_limits); });
  in.section("tokens", [&](MapReader& s) { read_tokens(s, context, config.tokens); });
  in.section("introspection",
             [&](MapReader& s) { read_introspection(s, context, config.introspection); });
  in.section("launch", [&](MapReader& s) { read_launch(s, context, config.launch); });
  check_static_client_credentials(context, config, client_paths);
  in.section("authorize", [&](MapReader& s) { read_authorize(s, config.authorize); });
  in.section("pages", [&](MapReader& s) { read_pages(s, config.pages); });
  in.section("directory", [&](MapReader& s) { read_directory(s, context, config.directory); });
  in.section("demo", [&](MapReader& s) { s.flag("enabled", config.demo.enabled); });
  if (config.demo.enabled) add_demo_app(context, config);
  in.section("log", [&](MapReader& s) { read_log(s, config.log); });
  in.report_unknown_keys();
}

}  // namespace sa::config
