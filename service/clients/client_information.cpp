#include "clients/client_information.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <vector>

namespace sa::clients {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void text(Writer& w, const char* name, const std::string& value) {
  if (value.empty()) return;
  w.Key(name);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void list(Writer& w, const char* name, const std::vector<std::string>& values, bool always) {
  if (values.empty() && !always) return;
  w.Key(name);
  w.StartArray();
  for (const auto& v : values) w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  w.EndArray();
}

}  // namespace

std::string metadata_json(const ClientMetadata& m) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  list(w, "redirect_uris", m.redirect_uris, false);
  // RFC 7591 §3.2.1: the response carries server-substituted defaults.
  list(w, "grant_types", m.grant_types, true);
  list(w, "response_types", m.response_types, true);
  text(w, "token_endpoint_auth_method", m.token_endpoint_auth_method);
  if (!m.jwks.empty()) {
    w.Key("jwks");
    w.RawValue(m.jwks.c_str(), m.jwks.size(), rapidjson::kObjectType);
  }
  text(w, "jwks_uri", m.jwks_uri);
  text(w, "scope", m.scope);
  text(w, "client_name", m.client_name);
  text(w, "client_uri", m.client_uri);
  text(w, "logo_uri", m.logo_uri);
  text(w, "tos_uri", m.tos_uri);
  text(w, "policy_uri", m.policy_uri);
  text(w, "launch_uri", m.launch_uri);
  list(w, "contacts", m.contacts, false);
  text(w, "software_id", m.software_id);
  text(w, "software_version", m.software_version);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string client_information_json(const std::string& client_id,
                                    const std::string& stored_metadata_json,
                                    const IssuedFields& issued) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  text(w, "client_id", client_id);
  rapidjson::Document stored;
  stored.Parse(stored_metadata_json.c_str(), stored_metadata_json.size());
  if (!stored.HasParseError() && stored.IsObject()) {
    for (const auto& member : stored.GetObject()) {
      w.Key(member.name.GetString(), member.name.GetStringLength());
      member.value.Accept(w);
    }
  }
  w.Key("client_id_issued_at");
  w.Int64(issued.client_id_issued_at);
  if (issued.client_secret) text(w, "client_secret", *issued.client_secret);
  // RFC 7591 §3.2.1: client_secret_expires_at is REQUIRED whenever a secret was issued.
  if (issued.client_secret_expires_at) {
    w.Key("client_secret_expires_at");
    w.Int64(*issued.client_secret_expires_at);
  }
  text(w, "registration_access_token", issued.registration_access_token);
  text(w, "registration_client_uri", issued.registration_client_uri);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace sa::clients
