// The default SMART style document (SMART App Launch 2.2, "Styling"): the JSON an app fetches
// from smart_style_url to look at home in the EHR. Served at launch::paths::kSmartStyle for
// launches that do not name their own. The document is fixed in the binary, so its URL never
// needs to change with its content (CTX-5).
#pragma once

#include <string>

#include "config/config.hpp"

namespace sa::launch {

// The style document as compact JSON: every property the IG lists (color_background,
// color_error, color_highlight, color_modal_backdrop, color_success, color_text,
// dim_border_radius, dim_font_size, dim_spacing_size, font_family_body, font_family_heading).
std::string default_smart_style_json();

// The smart_style_url for a launch that gave none: launch.default_smart_style_url, or this
// server's own document (<server.public_base_url>/smart-style.json) when that is "".
std::string effective_default_smart_style_url(const config::Config& config);

}  // namespace sa::launch
