#include "authorize/transaction.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace sa::authorize {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}
void put(Writer& w, const char* key, const std::optional<std::string>& value) {
  if (value) put(w, key, std::string_view(*value));
}
void put(Writer& w, const char* key, bool value) {
  w.Key(key);
  w.Bool(value);
}
void put(Writer& w, const char* key, const std::vector<std::string>& values) {
  w.Key(key);
  w.StartArray();
  for (const auto& v : values) w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  w.EndArray();
}

// Readers: a member of the wrong type makes the whole transaction unreadable.
struct Reader {
  const rapidjson::Value& object;
  bool ok = true;

  std::optional<std::string> opt_string(const char* key) {
    auto it = object.FindMember(key);
    if (it == object.MemberEnd()) return std::nullopt;
    if (!it->value.IsString()) {
      ok = false;
      return std::nullopt;
    }
    return std::string(it->value.GetString(), it->value.GetStringLength());
  }
  std::string string(const char* key) {
    auto value = opt_string(key);
    if (!value) ok = false;
    return value.value_or("");
  }
  std::optional<bool> opt_bool(const char* key) {
    auto it = object.FindMember(key);
    if (it == object.MemberEnd()) return std::nullopt;
    if (!it->value.IsBool()) {
      ok = false;
      return std::nullopt;
    }
    return it->value.GetBool();
  }
  bool boolean(const char* key) { return opt_bool(key).value_or(false); }
  std::optional<std::int64_t> opt_int(const char* key) {
    auto it = object.FindMember(key);
    if (it == object.MemberEnd()) return std::nullopt;
    if (!it->value.IsInt64()) {
      ok = false;
      return std::nullopt;
    }
    return it->value.GetInt64();
  }
  std::vector<std::string> strings(const char* key) {
    std::vector<std::string> out;
    auto it = object.FindMember(key);
    if (it == object.MemberEnd()) return out;
    if (!it->value.IsArray()) {
      ok = false;
      return out;
    }
    for (const auto& v : it->value.GetArray()) {
      if (!v.IsString()) {
        ok = false;
        return out;
      }
      out.emplace_back(v.GetString(), v.GetStringLength());
    }
    return out;
  }
};

}  // namespace

std::string to_json(const Transaction& t) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  const auto& r = t.request;
  put(w, "v", std::string_view("1"));
  put(w, "client_id", std::string_view(r.client_id));
  put(w, "redirect_uri", std::string_view(r.redirect_uri));
  put(w, "redirect_uri_sent", r.redirect_uri_sent);
  put(w, "state", r.state);
  put(w, "scope", std::string_view(r.scope));
  put(w, "aud", std::string_view(r.aud));
  put(w, "launch", r.launch);
  put(w, "code_challenge", std::string_view(r.code_challenge));
  put(w, "nonce", r.nonce);
  put(w, "prompt_none", r.prompt_none);
  put(w, "prompt_login", r.prompt_login);
  put(w, "prompt_consent", r.prompt_consent);
  if (r.max_age) {
    w.Key("max_age");
    w.Int64(*r.max_age);
  }
  put(w, "csrf", std::string_view(t.csrf));
  put(w, "ehr_launch", t.ehr_launch);
  put(w, "launch_user", t.launch_user);
  put(w, "fhir_context", t.fhir_context);
  put(w, "intent", t.intent);
  if (t.need_patient_banner) put(w, "need_patient_banner", *t.need_patient_banner);
  put(w, "smart_style_url", t.smart_style_url);
  put(w, "tenant", t.tenant);
  put(w, "user_id", t.user_id);
  w.Key("auth_time");
  w.Int64(t.auth_time);
  put(w, "new_login", t.new_login);
  put(w, "session_hash", t.session_hash);
  put(w, "dropped_audited", t.dropped_audited);
  put(w, "consent_offered", t.consent_offered);
  put(w, "patient", t.patient);
  put(w, "patient_name", std::string_view(t.patient_name));
  put(w, "encounter", t.encounter);
  put(w, "offered_patients", t.offered_patients);
  put(w, "offered_patient_names", t.offered_patient_names);
  put(w, "offered_encounters", t.offered_encounters);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<Transaction> transaction_from_json(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  Reader in{doc};
  if (in.string("v") != "1") return std::nullopt;
  Transaction t;
  auto& r = t.request;
  r.client_id = in.string("client_id");
  r.redirect_uri = in.string("redirect_uri");
  r.redirect_uri_sent = in.boolean("redirect_uri_sent");
  r.state = in.opt_string("state");
  r.scope = in.string("scope");
  r.aud = in.string("aud");
  r.launch = in.opt_string("launch");
  r.code_challenge = in.string("code_challenge");
  r.nonce = in.opt_string("nonce");
  r.prompt_none = in.boolean("prompt_none");
  r.prompt_login = in.boolean("prompt_login");
  r.prompt_consent = in.boolean("prompt_consent");
  r.max_age = in.opt_int("max_age");
  t.csrf = in.string("csrf");
  t.ehr_launch = in.boolean("ehr_launch");
  t.launch_user = in.opt_string("launch_user");
  t.fhir_context = in.opt_string("fhir_context");
  t.intent = in.opt_string("intent");
  t.need_patient_banner = in.opt_bool("need_patient_banner");
  t.smart_style_url = in.opt_string("smart_style_url");
  t.tenant = in.opt_string("tenant");
  t.user_id = in.opt_string("user_id");
  t.auth_time = in.opt_int("auth_time").value_or(0);
  t.new_login = in.boolean("new_login");
  t.session_hash = in.opt_string("session_hash");
  t.dropped_audited = in.boolean("dropped_audited");
  t.consent_offered = in.boolean("consent_offered");
  t.patient = in.opt_string("patient");
  t.patient_name = in.opt_string("patient_name").value_or("");
  t.encounter = in.opt_string("encounter");
  t.offered_patients = in.strings("offered_patients");
  t.offered_patient_names = in.strings("offered_patient_names");
  if (t.offered_patient_names.size() != t.offered_patients.size()) return std::nullopt;
  t.offered_encounters = in.strings("offered_encounters");
  if (!in.ok) return std::nullopt;
  return t;
}

}  // namespace sa::authorize
