#include "clients/metadata.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <set>

namespace sa::clients {
namespace {

using oauth::ErrorCode;

// Iterative parsing keeps stack use flat on hostile nesting; invalid UTF-8 is an error.
constexpr unsigned kStrictParse =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
constexpr rapidjson::SizeType kMaxListItems = 50;

oauth::Error wrong_type(std::string_view member, std::string_view expected) {
  return oauth::make_error(ErrorCode::invalid_client_metadata,
                           std::string(member) + " must be " + std::string(expected));
}

bool has_duplicate_members(const rapidjson::Value& object) {
  std::set<std::string_view> seen;
  for (const auto& m : object.GetObject()) {
    if (!seen.emplace(m.name.GetString(), m.name.GetStringLength()).second) return true;
  }
  return false;
}

class MemberReader {
 public:
  explicit MemberReader(const rapidjson::Value& object) : object_(object) {}

  std::optional<oauth::Error> string(std::string_view name, std::string& out) {
    const rapidjson::Value* v = find(name);
    if (v == nullptr || v->IsNull()) return std::nullopt;
    if (!v->IsString()) return wrong_type(name, "a string");
    out.assign(v->GetString(), v->GetStringLength());
    return std::nullopt;
  }
  std::optional<oauth::Error> optional_string(std::string_view name,
                                              std::optional<std::string>& out) {
    const rapidjson::Value* v = find(name);
    if (v == nullptr) return std::nullopt;
    if (!v->IsString()) return wrong_type(name, "a string");
    out.emplace(v->GetString(), v->GetStringLength());
    return std::nullopt;
  }
  std::optional<oauth::Error> strings(std::string_view name, std::vector<std::string>& out) {
    const rapidjson::Value* v = find(name);
    if (v == nullptr || v->IsNull()) return std::nullopt;
    if (!v->IsArray()) return wrong_type(name, "an array of strings");
    if (v->Size() > kMaxListItems) {
      return wrong_type(name, "an array of at most " + std::to_string(kMaxListItems) + " items");
    }
    out.clear();
    for (const auto& item : v->GetArray()) {
      if (!item.IsString()) return wrong_type(name, "an array of strings");
      out.emplace_back(item.GetString(), item.GetStringLength());
    }
    return std::nullopt;
  }
  // A JSON object kept as compact JSON text.
  std::optional<oauth::Error> object_text(std::string_view name, std::string& out) {
    const rapidjson::Value* v = find(name);
    if (v == nullptr || v->IsNull()) return std::nullopt;
    if (!v->IsObject()) return wrong_type(name, "a JSON Web Key Set object");
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
    v->Accept(writer);
    out.assign(buf.GetString(), buf.GetSize());
    return std::nullopt;
  }
  bool present(std::string_view name) const { return find(name) != nullptr; }

 private:
  const rapidjson::Value* find(std::string_view name) const {
    auto it = object_.FindMember(
        rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
    return it == object_.MemberEnd() ? nullptr : &it->value;
  }
  const rapidjson::Value& object_;
};

std::optional<oauth::Error> read_members(MemberReader& in, ParsedMetadata& out) {
  ClientMetadata& m = out.metadata;
  struct Text {
    std::string_view name;
    std::string* out;
  };
  for (Text t : {Text{"token_endpoint_auth_method", &m.token_endpoint_auth_method},
                 Text{"jwks_uri", &m.jwks_uri}, Text{"scope", &m.scope},
                 Text{"client_name", &m.client_name}, Text{"client_uri", &m.client_uri},
                 Text{"logo_uri", &m.logo_uri}, Text{"tos_uri", &m.tos_uri},
                 Text{"policy_uri", &m.policy_uri}, Text{"launch_uri", &m.launch_uri},
                 Text{"software_id", &m.software_id},
                 Text{"software_version", &m.software_version}}) {
    if (auto err = in.string(t.name, *t.out)) return err;
  }
  struct List {
    std::string_view name;
    std::vector<std::string>* out;
  };
  for (List l : {List{"redirect_uris", &m.redirect_uris}, List{"grant_types", &m.grant_types},
                 List{"response_types", &m.response_types}, List{"contacts", &m.contacts}}) {
    if (auto err = in.strings(l.name, *l.out)) return err;
  }
  // RFC 7591 §2: grant_types omitted means authorization_code; an explicit [] grants nothing.
  if (in.present("grant_types") && m.grant_types.empty()) {
    return oauth::make_error(ErrorCode::invalid_client_metadata, "grant_types must not be empty");
  }
  if (auto err = in.object_text("jwks", m.jwks)) return err;
  if (auto err = in.optional_string("client_id", out.management.client_id)) return err;
  if (auto err = in.optional_string("client_secret", out.management.client_secret)) return err;
  for (std::string_view name : {"registration_access_token", "registration_client_uri",
                                "client_secret_expires_at", "client_id_issued_at"}) {
    if (in.present(name)) out.management.server_assigned.emplace_back(name);
  }
  return std::nullopt;
}

}  // namespace

bool uses_client_secret(std::string_view method) {
  return method == "client_secret_basic" || method == "client_secret_post";
}

bool has_grant(const ClientMetadata& metadata, std::string_view grant) {
  for (const auto& g : metadata.grant_types) {
    if (g == grant) return true;
  }
  return false;
}

Expected<ParsedMetadata, oauth::Error> parse_client_metadata(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<kStrictParse>(body.data(), body.size());
  // RFC 7591 §3.2.2 has no code for an unparseable body: it is a malformed request.
  if (doc.HasParseError()) {
    return unexpected(oauth::make_error(ErrorCode::invalid_request,
                                        "the request body is not valid JSON"));
  }
  if (!doc.IsObject()) {
    return unexpected(oauth::make_error(ErrorCode::invalid_request,
                                        "the request body must be a JSON object"));
  }
  if (has_duplicate_members(doc)) {
    return unexpected(oauth::make_error(ErrorCode::invalid_request,
                                        "the request body repeats a member name"));
  }
  ParsedMetadata parsed;
  MemberReader in(doc);
  if (auto err = read_members(in, parsed)) return unexpected(std::move(*err));
  if (auto err = normalise_and_validate(parsed.metadata)) return unexpected(std::move(*err));
  return parsed;
}

}  // namespace sa::clients
