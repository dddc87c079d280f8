// The `directory:` section (CONTRACT "User directory adapter"): which adapter answers who users
// are, and the settings of each. The http adapter's keys are checked whichever adapter is chosen,
// so switching adapters never uncovers an old typo; what http requires is required only with it.
#include <algorithm>

#include "config/schema.hpp"
#include "url/rules.hpp"

namespace sa::config {
namespace {

Expected<DirectoryAdapter, std::string> parse_directory_adapter(std::string_view text) {
  if (text == "builtin") return DirectoryAdapter::builtin;
  if (text == "http") return DirectoryAdapter::http;
  return unexpected(std::string("expected builtin or http"));
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". Also
// keeps CR, LF and spaces out of the Authorization header.
bool is_b64token(std::string_view text) {
  const std::size_t end = text.find_last_not_of('=');
  if (end == std::string_view::npos) return false;
  return std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end) + 1, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
  });
}

void read_http_directory(MapReader& in, const LoadContext& context, bool chosen,
                         HttpDirectorySettings& out) {
  const std::size_t errors_before = context.errors.size();
  in.base_url("base_url", out.base_url, true);
  // A secret: read as any string and checked below, never quoted in an error.
  in.scalar("bearer_token", {"a string", [&](const std::string& text) {
                               out.bearer_token = text;
                               return std::optional<std::string>();
                             }});
  in.text("client_cert_file", out.client_cert_file, true);
  in.text("client_key_file", out.client_key_file, true);
  in.text("ca_file", out.ca_file, true);
  in.uint("timeout_ms", out.timeout_ms, {1, 60'000});
  in.uint("max_response_bytes", out.max_response_bytes, {1024, 16 * 1024 * 1024});
  in.flag("allow_private_addresses", out.allow_private_addresses);
  in.flag("allow_loopback", out.allow_loopback);
  in.uint("user_cache_s", out.user_cache_s, {0, 86'400});
  in.uint("user_cache_entries", out.user_cache_entries, {1, 1'000'000});
  if (context.errors.size() != errors_before) return;  // don't pile pairing errors on top

  if (!out.bearer_token.empty() && !is_b64token(out.bearer_token)) {
    context.fail(in.path_of("bearer_token"),
                 "expected a bearer token of A-Z a-z 0-9 - . _ ~ + / and trailing = (RFC 6750 "
                 "§2.1)");
  }
  // Half a pair is a typo, as with server.tls.
  if (!out.client_cert_file.empty() && out.client_key_file.empty()) {
    context.fail(in.path_of("client_key_file"),
                 "must be set when " + in.path_of("client_cert_file") + " is set");
  } else if (out.client_cert_file.empty() && !out.client_key_file.empty()) {
    context.fail(in.path_of("client_cert_file"),
                 "must be set when " + in.path_of("client_key_file") + " is set");
  }
  const bool has_cert = !out.client_cert_file.empty();
  if (has_cert && !out.bearer_token.empty()) {
    context.fail(in.path_of("bearer_token"),
                 "must not be set together with " + in.path_of("client_cert_file") +
                     ": smart-auth authenticates to the directory with one or the other");
  }
  if (!out.base_url.empty()) {
    auto parts = url::split_base_url(out.base_url);
    // The SSRF guard's loopback rule, made explicit for the directory: plain http:// (which
    // url::check_base_url allows only on loopback) and a loopback host both need the switch.
    if (parts && (!parts->https || url::is_loopback_host(parts->host)) && !out.allow_loopback) {
      context.fail(in.path_of("base_url"), (parts->https ? std::string("names a loopback host")
                                                         : std::string("is plain http://")) +
                                               ", which needs " + in.path_of("allow_loopback") +
                                               ": true, got \"" + out.base_url + "\"");
    }
  }
  if (!chosen) return;
  if (out.base_url.empty()) {
    context.fail(in.path_of("base_url"), "is required when directory.adapter is http");
  }
  // CONTRACT "User directory adapter": bearer token or client certificate.
  if (out.bearer_token.empty() && !has_cert) {
    context.fail(in.path_of("bearer_token"),
                 "or " + in.path_of("client_cert_file") +
                     " is required when directory.adapter is http (how smart-auth proves itself "
                     "to the directory)");
  }
}

}  // namespace

void read_directory(MapReader& in, const LoadContext& context, DirectorySettings& out) {
  in.scalar("adapter",
            {"builtin or http", [&](const std::string& text) -> std::optional<std::string> {
               auto adapter = parse_directory_adapter(text);
               if (!adapter) return adapter.error();
               out.adapter = *adapter;
               return std::nullopt;
             }});
  in.section("builtin", [&](MapReader& builtin) {
    builtin.text("file", out.builtin.file, false);
    builtin.uint("password_threads", out.builtin.password_threads, {1, 64});
  });
  in.section("http", [&](MapReader& http) {
    read_http_directory(http, context, out.adapter == DirectoryAdapter::http, out.http);
  });
}

}  // namespace sa::config
