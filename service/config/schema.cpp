#include "config/schema.hpp"

namespace sa::config {
namespace {

constexpr IntRange kPositive{1};

ScalarRule origin_rule() {
  return {"origins like https://app.example.com",
          [](const std::string& text) { return check_origin(text); }};
}
ScalarRule scope_rule() {
  return {"scope strings", [](const std::string& text) { return check_scope_token(text); }};
}

void read_limits(MapReader& in, LimitSettings& out) {
  in.uint("max_header_bytes", out.max_header_bytes, {1024, 1024 * 1024});
  in.uint("max_body_bytes", out.max_body_bytes, {1024, 64 * 1024 * 1024});
  in.uint("header_timeout_ms", out.header_timeout_ms, kPositive);
  in.uint("body_timeout_ms", out.body_timeout_ms, kPositive);
  in.uint("idle_timeout_ms", out.idle_timeout_ms, kPositive);
  in.uint("max_connections", out.max_connections, kPositive);
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
  in.section("limits", [&](MapReader& limits) { read_limits(limits, out.limits); });
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

}  // namespace

void read_config(const YAML::Node& root, const LoadContext& context, Config& config) {
  MapReader in(root, "", context);
  in.text("data_dir", config.data_dir, false);
  in.section("server", [&](MapReader& s) { read_server(s, context, config.server); });
  in.section("store", [&](MapReader& s) { read_store(s, config.store); });
  in.section("keys", [&](MapReader& s) { read_keys(s, config.keys); });
  in.section("smart", [&](MapReader& s) { read_smart(s, config.smart); });
  in.section("log", [&](MapReader& s) { read_log(s, config.log); });
  in.report_unknown_keys();
}

}  // namespace sa::config
