#include "app/ops_client_metadata.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

#include "clients/registration_policy.hpp"
#include "util/strings.hpp"

namespace sa::app {
namespace {

std::string joined(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : " ") + i;
  return out;
}

// --jwks takes the JSON text itself or @FILE.
Expected<std::string, std::string> jwks_text(const std::string& value) {
  if (value.empty() || value[0] != '@') return value;
  std::ifstream in(value.substr(1));
  if (!in) return unexpected("--jwks: cannot read " + value.substr(1));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::set<std::string> scope_set(std::string_view scope) {
  std::set<std::string> out;
  for (std::string_view item : split(scope, ' ')) {
    if (!item.empty()) out.emplace(item);
  }
  return out;
}

Expected<std::string, std::string> metadata_body(const std::string& base, const cli::Args& args) {
  rapidjson::Document doc;
  doc.Parse(base.c_str(), base.size());
  if (doc.HasParseError() || !doc.IsObject()) doc.SetObject();
  auto& alloc = doc.GetAllocator();
  auto set = [&](const char* key, rapidjson::Value value) {
    doc.RemoveMember(key);
    doc.AddMember(rapidjson::Value(key, alloc), value, alloc);
  };
  auto set_string = [&](const char* key, const std::string& text) {
    set(key, rapidjson::Value(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), alloc));
  };
  auto set_list = [&](const char* key, const std::vector<std::string>& items) {
    rapidjson::Value list(rapidjson::kArrayType);
    for (const auto& item : items) {
      list.PushBack(rapidjson::Value(item.c_str(), static_cast<rapidjson::SizeType>(item.size()), alloc), alloc);
    }
    set(key, std::move(list));
  };
  if (auto v = args.value("--name")) set_string("client_name", *v);
  if (args.has("--redirect-uri")) set_list("redirect_uris", args.values("--redirect-uri"));
  if (args.has("--grant-type")) {
    set_list("grant_types", args.values("--grant-type"));
    doc.RemoveMember("response_types");  // the defaults follow the new grant types
  }
  if (auto v = args.value("--scope")) set_string("scope", *v);
  if (args.has("--public")) set_string("token_endpoint_auth_method", "none");
  if (auto v = args.value("--auth-method")) set_string("token_endpoint_auth_method", *v);
  if (auto v = args.value("--jwks-uri")) {
    doc.RemoveMember("jwks");  // one key source at a time (RFC 7591 §2)
    if (v->empty()) doc.RemoveMember("jwks_uri"); else set_string("jwks_uri", *v);
  }
  if (auto v = args.value("--jwks")) {
    doc.RemoveMember("jwks_uri");
    auto text = jwks_text(*v);
    if (!text) return unexpected(text.error());
    rapidjson::Document jwks(&alloc);
    jwks.Parse(text->c_str(), text->size());
    if (jwks.HasParseError()) return unexpected(std::string("--jwks is not JSON"));
    set("jwks", rapidjson::Value(jwks, alloc));
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

// Checks the metadata the flags produce and applies the registration policy with `cap`, as the
// registration endpoint would; unlike it, a scope beyond the cap is refused, not trimmed: the
// operator asked for exactly that scope.
Expected<clients::ClientMetadata, std::string> checked_metadata(const std::string& body,
                                                               const std::string& cap,
                                                               const config::Config& config) {
  auto parsed = clients::parse_client_metadata(body);
  if (!parsed) {
    return unexpected(std::string(oauth::to_string(parsed.error().code)) + ": " +
                      parsed.error().description);
  }
  clients::ClientMetadata metadata = parsed->metadata;
  const auto requested = scope_set(metadata.scope);
  if (auto err = clients::apply_registration_policy(
          metadata, cap, config.tokens.client_credentials_auth_methods)) {
    return unexpected(std::string(oauth::to_string(err->code)) + ": " + err->description +
                      " (the cap is \"" + cap + "\"; raise it with --max-scope)");
  }
  if (scope_set(metadata.scope) != requested) {
    return unexpected("scope: \"" + joined(requested) +
                      "\" is more than the cap \"" + cap + "\" allows; raise it with --max-scope");
  }
  return metadata;
}

std::optional<bool> yes_no(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  if (*value == "yes" || *value == "true") return true;
  if (*value == "no" || *value == "false") return false;
  return std::nullopt;
}

// Safe in HTTP Basic without form-encoding (RFC 6749 §2.3.1).
bool valid_client_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char ch : id) {
    if (!std::isalnum(ch) && ch != '-' && ch != '.' && ch != '_' && ch != '~') return false;
  }
  return true;
}

}  // namespace sa::app
