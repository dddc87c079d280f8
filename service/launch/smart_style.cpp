#include "launch/smart_style.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string_view>
#include <utility>

#include "launch/routes.hpp"

namespace sa::launch {

std::string default_smart_style_json() {
  // SMART App Launch 2.2, "Styling": colors as CSS colors, dimensions as CSS lengths, fonts as
  // CSS font-family lists. Sober values an app can read without guessing.
  constexpr std::pair<std::string_view, std::string_view> kProperties[] = {
      {"color_background", "#f5f6f7"},
      {"color_error", "#b00020"},
      {"color_highlight", "#1f6feb"},
      {"color_modal_backdrop", "rgba(0, 0, 0, 0.5)"},
      {"color_success", "#2e7d32"},
      {"color_text", "#1b1f23"},
      {"dim_border_radius", "4px"},
      {"dim_font_size", "14px"},
      {"dim_spacing_size", "16px"},
      {"font_family_body", "-apple-system, \"Segoe UI\", Roboto, Helvetica, Arial, sans-serif"},
      {"font_family_heading", "-apple-system, \"Segoe UI\", Roboto, Helvetica, Arial, sans-serif"},
  };
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const auto& [name, value] : kProperties) {
    writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string effective_default_smart_style_url(const config::Config& config) {
  if (!config.launch.default_smart_style_url.empty()) return config.launch.default_smart_style_url;
  return config.server.public_base_url + std::string(paths::kSmartStyle);
}

}  // namespace sa::launch
