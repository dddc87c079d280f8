#include "launch/launch_request.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>

#include "crypto/json_read.hpp"
#include "launch/fhir_context.hpp"
#include "url/rules.hpp"

namespace sa::launch {
namespace {

using crypto::detail::Lookup;
using oauth::ErrorCode;

constexpr std::size_t kMaxTextChars = 256;  // user, client_id, intent, tenant
constexpr std::size_t kMaxUrlChars = 2048;

constexpr std::array<std::string_view, 9> kMembers = {
    "user",        "patient", "encounter",           "client_id",
    "fhirContext", "intent",  "need_patient_banner", "smart_style_url",
    "tenant"};

oauth::Error bad(std::string_view field, std::string_view problem) {
  return oauth::make_error(ErrorCode::invalid_request,
                           std::string(field) + " " + std::string(problem));
}

bool printable(std::string_view text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A JSON string member: absent is nullopt, anything but a string is refused.
Expected<std::optional<std::string>, oauth::Error> text_member(const rapidjson::Value& body,
                                                               std::string_view name) {
  auto member = crypto::detail::string_member(body, name);
  switch (member.lookup) {
    case Lookup::Missing:
      return std::optional<std::string>();
    case Lookup::WrongType:
      return unexpected(bad(name, "must be a string"));
    case Lookup::Found:
      break;
  }
  return std::optional<std::string>(std::string(member.value));
}

// user, client_id, intent, tenant: non-empty printable text of bounded length.
std::optional<oauth::Error> check_text(std::string_view name, const std::string& value) {
  if (value.empty()) return bad(name, "must not be empty");
  if (value.size() > kMaxTextChars) {
    return bad(name, "must be at most " + std::to_string(kMaxTextChars) + " characters");
  }
  if (!printable(value)) return bad(name, "must not contain control characters");
  return std::nullopt;
}

std::string compact_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

Expected<Launch, oauth::Error> parse_launch_request(std::string_view body) {
  if (body.size() > kMaxLaunchBodyBytes) {
    return unexpected(
        bad("body", "must be at most " + std::to_string(kMaxLaunchBodyBytes) + " bytes"));
  }
  rapidjson::Document doc;
  if (!crypto::detail::parse_object(body, doc)) {
    return unexpected(bad("body", "must be a JSON object without repeated members"));
  }
  for (const auto& member : doc.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (std::find(kMembers.begin(), kMembers.end(), name) == kMembers.end()) {
      // Named when it is short printable ASCII; the name is the client's text, echoed back.
      const bool nameable =
          !name.empty() && name.size() <= 64 &&
          std::all_of(name.begin(), name.end(), [](char c) { return c > ' ' && c < 0x7f; });
      return unexpected(bad(nameable ? name : "a member", "is not a member of a launch request"));
    }
  }

  Launch launch;
  auto user = text_member(doc, "user");
  if (!user) return unexpected(user.error());
  if (!*user) return unexpected(bad("user", "is required"));
  if (auto err = check_text("user", **user)) return unexpected(*err);
  launch.user_id = std::move(**user);

  struct Text {
    std::string_view name;
    std::optional<std::string>* out;
  };
  for (Text t :
       {Text{"patient", &launch.patient}, Text{"encounter", &launch.encounter},
        Text{"client_id", &launch.client_id}, Text{"intent", &launch.intent},
        Text{"tenant", &launch.tenant}, Text{"smart_style_url", &launch.smart_style_url}}) {
    auto value = text_member(doc, t.name);
    if (!value) return unexpected(value.error());
    *t.out = std::move(*value);
  }
  // CTX-1/CTX-2: patient and encounter come back as FHIR ids, not references.
  for (Text t : {Text{"patient", &launch.patient}, Text{"encounter", &launch.encounter}}) {
    if (*t.out && !is_fhir_id(**t.out)) {
      return unexpected(bad(t.name, "must be a FHIR resource id ([A-Za-z0-9-.], 1 to 64)"));
    }
  }
  for (Text t : {Text{"client_id", &launch.client_id}, Text{"intent", &launch.intent},
                 Text{"tenant", &launch.tenant}}) {
    if (*t.out) {
      if (auto err = check_text(t.name, **t.out)) return unexpected(*err);
    }
  }
  if (launch.smart_style_url) {
    // SMART App Launch 2.2, "Styling": an absolute URL the app fetches, so https (url/ rules).
    const std::string& style = *launch.smart_style_url;
    if (style.size() > kMaxUrlChars) {
      return unexpected(bad("smart_style_url",
                            "must be at most " + std::to_string(kMaxUrlChars) + " characters"));
    }
    if (auto problem = url::check_client_url(style, url::ClientUrlUse::link)) {
      return unexpected(bad("smart_style_url", *problem));
    }
  }

  if (const rapidjson::Value* banner = crypto::detail::find_member(doc, "need_patient_banner")) {
    // CTX-4: need_patient_banner is a JSON boolean.
    if (!banner->IsBool()) return unexpected(bad("need_patient_banner", "must be true or false"));
    launch.need_patient_banner = banner->GetBool();
  }

  if (const rapidjson::Value* context = crypto::detail::find_member(doc, "fhirContext")) {
    if (auto err = check_fhir_context(*context)) return unexpected(*err);
    launch.fhir_context = compact_json(*context);
  }
  return launch;
}

}  // namespace sa::launch
