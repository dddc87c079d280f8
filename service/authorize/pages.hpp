// The HTML pages a person sees during authorization: login, patient picker, encounter picker,
// consent, and errors. Mustache templates (kainjow, which HTML-escapes every {{value}}) compiled
// into the binary, each replaceable by a file of the same name in pages.template_dir so an EHR
// can brand them; all templates are loaded and parsed once at start. Every page is answered with
// the same security headers (content_security_policy()): no script at all, styles from our own
// stylesheet, frames only from the configured ancestors. Usable without JavaScript.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "http/message.hpp"
#include "util/expected.hpp"

namespace sa::authorize {

// The app as its registration describes it (RFC 7591 §2 client_name, logo_uri, client_uri,
// policy_uri, tos_uri); empty members are left out of the page.
struct AppView {
  std::string name;  // client_name, or the client_id when it has none
  std::string logo_uri;
  std::string client_uri;
  std::string policy_uri;
  std::string tos_uri;
};

// What every form posts back besides its own fields.
struct FormView {
  std::string action;  // path the form posts to
  std::string csrf;    // hidden field "csrf"
};

struct LoginView {
  AppView app;
  FormView form;        // fields: username, password
  std::string username;  // pre-filled after a failed attempt
  std::string message;   // "Wrong username or password." etc.; empty = none
};

struct PatientRow {
  std::string id;
  std::string name;
  std::string birth_date;
};
struct PatientPickerView {
  AppView app;
  FormView form;       // fields: patient (the chosen id); search is GET with field "q"
  std::string search_action;  // path of the GET search form
  std::string query;   // the current search text
  std::vector<PatientRow> patients;
  std::string message;  // "No patients match." etc.
};

struct EncounterRow {
  std::string id;
  std::string period;
  std::string type;
};
struct EncounterPickerView {
  AppView app;
  FormView form;  // field: encounter
  std::string patient_name;
  std::vector<EncounterRow> encounters;
  std::string message;
};

struct ConsentRow {
  std::string value;        // checkbox value, form field "scope" (repeated)
  std::string description;
  bool required = false;    // shown without a checkbox
  bool checked = true;
  std::vector<ConsentRow> sub_rows;  // granular alternatives, indented under the parent
};
struct ConsentView {
  AppView app;
  FormView form;  // fields: scope (repeated), decision=approve|deny
  std::string user_name;
  std::string patient_name;  // empty when no patient context
  std::vector<ConsentRow> rows;
  bool offline_access = false;  // the app asks to keep access after the user leaves (ONC: say so)
};

struct ErrorView {
  int status = 400;
  std::string title;    // "This sign-in link is not valid"
  std::string message;  // what happened and what to do
  std::string request_id;
  // An optional way on, e.g. back to the app with temporarily_unavailable; http(s) only.
  std::string link_href;
  std::string link_text;
};

class Pages {
 public:
  // Built-ins plus overrides from settings.template_dir; the error names the file that failed to
  // read or parse.
  static Expected<std::unique_ptr<Pages>, std::string> load(const config::PageSettings& settings);

  // 200 text/html; charset=utf-8, with the page security headers. `form_target_origin` is the
  // app's redirect_uri origin, allowed in CSP form-action because the final POST redirects there.
  http::Response login(const LoginView& view, std::string_view form_target_origin) const;
  http::Response patient_picker(const PatientPickerView& view,
                                std::string_view form_target_origin) const;
  http::Response encounter_picker(const EncounterPickerView& view,
                                  std::string_view form_target_origin) const;
  http::Response consent(const ConsentView& view, std::string_view form_target_origin) const;
  // view.status, with the page security headers.
  http::Response error(const ErrorView& view) const;

  // The one stylesheet the pages use (text/css), served at kStylesheetPath.
  const std::string& stylesheet() const;

  ~Pages();
  Pages(const Pages&) = delete;
  Pages& operator=(const Pages&) = delete;

 private:
  struct Impl;
  explicit Pages(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

inline constexpr std::string_view kStylesheetPath = "/auth/assets/pages.css";

}  // namespace sa::authorize
