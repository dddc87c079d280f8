#include "smart/discovery.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <map>

namespace sa::smart {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void put_list(Writer& w, std::string_view key, const std::vector<std::string>& values) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.StartArray();
  for (const auto& v : values) w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  w.EndArray();
}

std::vector<std::string> unique_sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

struct Inputs {
  std::string issuer;
  std::map<std::string, std::string> endpoints;  // discovery field -> absolute URL
  Features features;
  std::vector<std::string> scopes;
  std::string management_endpoint;
};

std::string smart_document(const Inputs& in) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  const bool oidc = contains(in.features.capabilities, "sso-openid-connect");
  // SMART App Launch 2.2 Conformance: issuer is required with sso-openid-connect and otherwise
  // omitted; jwks_uri is listed whenever the key set is served.
  if (oidc) put(w, "issuer", in.issuer);
  for (const auto& [field, url] : in.endpoints) put(w, field, url);
  if (!in.management_endpoint.empty()) put(w, "management_endpoint", in.management_endpoint);
  // Required arrays are always present (possibly empty) so clients see a stable shape.
  put_list(w, "grant_types_supported", in.features.grant_types);
  put_list(w, "capabilities", in.features.capabilities);
  // SMART App Launch 2.2: S256 is the only PKCE method; "plain" must never be offered.
  put_list(w, "code_challenge_methods_supported", {"S256"});
  if (!in.features.response_types.empty()) {
    put_list(w, "response_types_supported", in.features.response_types);
  }
  if (!in.features.token_endpoint_auth_methods.empty()) {
    put_list(w, "token_endpoint_auth_methods_supported", in.features.token_endpoint_auth_methods);
  }
  if (!in.features.token_endpoint_auth_signing_algs.empty()) {
    put_list(w, "token_endpoint_auth_signing_alg_values_supported",
             in.features.token_endpoint_auth_signing_algs);
  }
  if (!in.scopes.empty()) put_list(w, "scopes_supported", in.scopes);
  if (in.features.authorization_response_iss) {
    w.Key("authorization_response_iss_parameter_supported");
    w.Bool(true);
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string openid_document(const Inputs& in) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  // OpenID Connect Discovery 1.0 §3; issuer is byte-identical to the id_token iss.
  put(w, "issuer", in.issuer);
  for (const auto& [field, url] : in.endpoints) put(w, field, url);
  put_list(w, "response_types_supported", in.features.response_types);
  put_list(w, "subject_types_supported", {"public"});
  put_list(w, "id_token_signing_alg_values_supported", in.features.id_token_signing_algs);
  put_list(w, "grant_types_supported", in.features.grant_types);
  if (!in.features.token_endpoint_auth_methods.empty()) {
    put_list(w, "token_endpoint_auth_methods_supported", in.features.token_endpoint_auth_methods);
  }
  if (!in.features.token_endpoint_auth_signing_algs.empty()) {
    put_list(w, "token_endpoint_auth_signing_alg_values_supported",
             in.features.token_endpoint_auth_signing_algs);
  }
  put_list(w, "code_challenge_methods_supported", {"S256"});
  if (!in.scopes.empty()) put_list(w, "scopes_supported", in.scopes);
  if (!in.features.claims_supported.empty()) {
    put_list(w, "claims_supported", in.features.claims_supported);
  }
  if (in.features.authorization_response_iss) {
    w.Key("authorization_response_iss_parameter_supported");
    w.Bool(true);
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace

DiscoveryDocuments build_discovery(const config::Config& config, const http::Router& router,
                                   const Features& features) {
  Inputs in;
  in.issuer = config.server.public_base_url;
  for (const auto& [field, path] : router.advertised()) {
    in.endpoints[field] = config.server.public_base_url + path;
  }
  in.features = features;
  in.features.capabilities = unique_sorted(features.capabilities);
  in.features.grant_types = unique_sorted(features.grant_types);
  in.features.token_endpoint_auth_methods = unique_sorted(features.token_endpoint_auth_methods);
  in.features.token_endpoint_auth_signing_algs =
      unique_sorted(features.token_endpoint_auth_signing_algs);
  in.scopes = config.smart.scopes_supported.empty() ? unique_sorted(features.scopes_supported)
                                                    : config.smart.scopes_supported;
  in.management_endpoint = config.smart.management_endpoint;
  return {smart_document(in), openid_document(in)};
}

}  // namespace sa::smart
