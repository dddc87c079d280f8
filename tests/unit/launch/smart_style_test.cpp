// The default SMART style document and the URL a launch without one gets (CTX-5).
#include "launch/smart_style.hpp"

#include <rapidjson/document.h>

#include <catch2/catch.hpp>

namespace sa::launch {
namespace {

// CTX-5: SMART App Launch 2.2, "Styling": every listed property, each a non-empty string.
TEST_CASE("the default style document has every SMART styling property", "[launch][style]") {
  rapidjson::Document doc;
  const std::string json = default_smart_style_json();
  doc.Parse(json.c_str(), json.size());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc.IsObject());
  for (const char* name :
       {"color_background", "color_error", "color_highlight", "color_modal_backdrop",
        "color_success", "color_text", "dim_border_radius", "dim_font_size", "dim_spacing_size",
        "font_family_body", "font_family_heading"}) {
    INFO(name);
    REQUIRE(doc.HasMember(name));
    CHECK(doc[name].IsString());
    CHECK(doc[name].GetStringLength() > 0);
  }
  CHECK(doc.MemberCount() == 11);
}

TEST_CASE("a launch without a style gets the configured URL, else this server's document",
          "[launch][style]") {
  config::Config config;
  config.server.public_base_url = "https://auth.example.org";
  CHECK(effective_default_smart_style_url(config) == "https://auth.example.org/smart-style.json");
  config.launch.default_smart_style_url = "https://ehr.example.org/style.json";
  CHECK(effective_default_smart_style_url(config) == "https://ehr.example.org/style.json");
}

}  // namespace
}  // namespace sa::launch
