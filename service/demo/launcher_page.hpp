// The demo launcher's HTML page (files/launcher.mustache, compiled in): pick a user, a patient, an
// encounter and an app, press Launch. Rendered with kainjow mustache, which HTML-escapes every
// {{value}}. Sent with a strict Content-Security-Policy: no script at all, our own stylesheet,
// forms posting only to us, and the POST's redirect allowed only to the listed apps' origins.
#pragma once

#include <string>
#include <vector>

#include "demo/launcher_form.hpp"
#include "directory/builtin_directory.hpp"
#include "http/message.hpp"

namespace sa::demo {

struct LauncherView {
  // Null: the http directory adapter, which the launcher cannot list; the page says so.
  const directory::BuiltinDirectory* directory = nullptr;
  std::vector<DemoApp> apps;
  std::string csrf;     // hidden field "csrf"
  std::string message;  // what was wrong with the last form; "" = none
  LaunchChoice selected;  // pre-selected after a refused form
};

http::Response launcher_page(int status, const LauncherView& view);

}  // namespace sa::demo
