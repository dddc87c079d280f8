#include "authorize/pages.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <map>
#include <sstream>
#include <utility>

#include "authorize/embedded_page_files.hpp"
#include "util/strings.hpp"

namespace sa::authorize {
namespace {

namespace mustache = kainjow::mustache;

// Every template the pages render; each must be built in, and each may be overridden.
constexpr std::array<std::string_view, 7> kTemplates = {
    "layout", "app", "login", "patient_picker", "encounter_picker", "consent", "error"};
constexpr std::string_view kStylesheetFile = "pages.css";

const EmbeddedPageFile* find_embedded(std::string_view file_name) {
  for (const EmbeddedPageFile& file : embedded_page_files()) {
    if (file.name == file_name) return &file;
  }
  return nullptr;
}

// The built-in text of `file_name`, or the file of that name in template_dir when there is one.
// `source` names where it came from, for errors.
Expected<std::string, std::string> read_page_file(const config::PageSettings& settings,
                                                  std::string_view file_name, std::string& source) {
  if (!settings.template_dir.empty()) {
    const std::filesystem::path path =
        std::filesystem::path(settings.template_dir) / std::string(file_name);
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      source = path.string();
      if (!std::filesystem::is_regular_file(path, ec)) {
        return unexpected(source + ": not a regular file");
      }
      std::ifstream in(path, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      if (!in || in.bad()) return unexpected(source + ": cannot be read");
      return text.str();
    }
    if (ec) return unexpected(path.string() + ": " + ec.message());
  }
  const EmbeddedPageFile* built_in = find_embedded(file_name);
  source = "built-in " + std::string(file_name);
  if (built_in == nullptr) return unexpected(source + ": missing from the build");
  return std::string(built_in->text);
}

// A CSP source expression for the app's redirect origin, or "" when it is not one: the value
// lands inside the header, so nothing that could end a directive or add a source gets through
// (CSP 3 §2.3.1 source-expression grammar).
std::string csp_origin(std::string_view origin) {
  if (origin.empty() || origin.size() > 512) return {};
  for (char c : origin) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '+' || c == ':' || c == '/' || c == '[' ||
                    c == ']' || c == '_' || c == '~' || c == '%';
    if (!ok) return {};
  }
  return std::string(origin);
}

bool starts_with_scheme(std::string_view uri, std::string_view scheme) {
  return uri.size() > scheme.size() && iequals(uri.substr(0, scheme.size()), scheme);
}

// Registration metadata links are shown only as web links: a javascript: or data: URI never
// becomes an href, even though the CSP would stop it running.
std::string web_link(const std::string& uri) {
  return starts_with_scheme(uri, "https://") || starts_with_scheme(uri, "http://") ? uri
                                                                                   : std::string();
}

mustache::data app_data(const AppView& app) {
  mustache::data out = mustache::data::type::object;
  out.set("name", app.name);
  // CSP img-src allows https: only, so an http:// logo would not load anyway.
  if (starts_with_scheme(app.logo_uri, "https://")) out.set("logo_uri", app.logo_uri);
  bool has_links = false;
  for (auto [key, uri] :
       {std::pair{"client_uri", &app.client_uri}, std::pair{"policy_uri", &app.policy_uri},
        std::pair{"tos_uri", &app.tos_uri}}) {
    std::string link = web_link(*uri);
    if (link.empty()) continue;
    out.set(key, link);
    has_links = true;
  }
  if (has_links) out.set("has_links", true);
  return out;
}

mustache::data form_data(const FormView& form) {
  mustache::data out = mustache::data::type::object;
  out.set("action", form.action);
  out.set("csrf", form.csrf);
  return out;
}

void set_if(mustache::data& data, const std::string& key, const std::string& value) {
  if (!value.empty()) data.set(key, value);
}

mustache::data consent_rows(const std::vector<ConsentRow>& rows, int& index) {
  mustache::data list = mustache::data::type::list;
  for (const ConsentRow& row : rows) {
    mustache::data item = mustache::data::type::object;
    item.set("index", std::to_string(index++));
    item.set("value", row.value);
    item.set("description", row.description.empty() ? row.value : row.description);
    item.set("required", row.required);
    item.set("checked", row.checked);
    if (!row.sub_rows.empty()) {
      item.set("has_sub_rows", true);
      item.set("sub_rows", consent_rows(row.sub_rows, index));
    }
    list.push_back(item);
  }
  return list;
}

}  // namespace

struct Pages::Impl {
  std::map<std::string, mustache::mustache, std::less<>> templates;
  std::string stylesheet;
  std::string frame_ancestors;  // the directive's source list
  bool deny_framing = true;

  // Rendered from a copy: kainjow's render() is not const, and pages render on many threads.
  std::string render(std::string_view name, const mustache::data& data) const {
    mustache::mustache tmpl = templates.find(name)->second;
    return tmpl.render(data);
  }

  std::string app_header(const AppView& app) const {
    mustache::data data = mustache::data::type::object;
    data.set("app", app_data(app));
    return render("app", data);
  }

  http::Response page(int status, std::string_view title, std::string_view name,
                      const mustache::data& data, std::string_view form_target_origin) const {
    mustache::data layout = mustache::data::type::object;
    layout.set("title", std::string(title));
    layout.set("stylesheet", std::string(kStylesheetPath));
    layout.set("content", render(name, data));
    http::Response response;
    response.status = status;
    response.body = render("layout", layout);
    response.set("Content-Type", "text/html; charset=utf-8");
    std::string form_action = "'self'";
    if (std::string origin = csp_origin(form_target_origin); !origin.empty()) {
      form_action += " " + origin;
    }
    // RFC 9700 §4.16 (clickjacking): frame-ancestors, with X-Frame-Options for browsers without
    // CSP 2. No script-src at all: default-src 'none' forbids every script, inline or not.
    response.set("Content-Security-Policy",
                 "default-src 'none'; style-src 'self'; img-src 'self' https:; form-action " +
                     form_action + "; frame-ancestors " + frame_ancestors + "; base-uri 'none'");
    if (deny_framing) response.set("X-Frame-Options", "DENY");
    // RFC 9700 §4.2.4: the authorization pages' URLs carry nothing a third party should see.
    response.set("Referrer-Policy", "no-referrer");
    return response;
  }
};

Expected<std::unique_ptr<Pages>, std::string> Pages::load(const config::PageSettings& settings) {
  auto impl = std::make_unique<Impl>();
  for (std::string_view name : kTemplates) {
    const std::string file_name = std::string(name) + ".mustache";
    std::string source;
    auto text = read_page_file(settings, file_name, source);
    if (!text) return unexpected(text.error());
    mustache::mustache tmpl(*text);
    if (!tmpl.is_valid()) return unexpected(source + ": " + tmpl.error_message());
    impl->templates.emplace(std::string(name), std::move(tmpl));
  }
  std::string source;
  auto css = read_page_file(settings, kStylesheetFile, source);
  if (!css) return unexpected(css.error());
  impl->stylesheet = std::move(*css);

  impl->deny_framing = settings.frame_ancestors.empty();
  if (impl->deny_framing) {
    impl->frame_ancestors = "'none'";
  } else {
    for (const std::string& source_expression : settings.frame_ancestors) {
      if (!impl->frame_ancestors.empty()) impl->frame_ancestors += ' ';
      impl->frame_ancestors += source_expression;
    }
  }
  return std::unique_ptr<Pages>(new Pages(std::move(impl)));
}

Pages::Pages(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pages::~Pages() = default;

http::Response Pages::login(const LoginView& view, std::string_view form_target_origin) const {
  mustache::data data = mustache::data::type::object;
  data.set("app", app_data(view.app));
  data.set("app_header", impl_->app_header(view.app));
  data.set("form", form_data(view.form));
  data.set("username", view.username);
  set_if(data, "message", view.message);
  return impl_->page(200, "Sign in", "login", data, form_target_origin);
}

http::Response Pages::patient_picker(const PatientPickerView& view,
                                     std::string_view form_target_origin) const {
  mustache::data data = mustache::data::type::object;
  data.set("app", app_data(view.app));
  data.set("app_header", impl_->app_header(view.app));
  data.set("form", form_data(view.form));
  data.set("search_action", view.search_action);
  data.set("query", view.query);
  set_if(data, "message", view.message);
  mustache::data patients = mustache::data::type::list;
  for (const PatientRow& row : view.patients) {
    mustache::data item = mustache::data::type::object;
    item.set("id", row.id);
    item.set("name", row.name.empty() ? row.id : row.name);
    set_if(item, "birth_date", row.birth_date);
    patients.push_back(item);
  }
  data.set("patients", patients);
  if (!view.patients.empty()) data.set("has_patients", true);
  return impl_->page(200, "Choose a patient", "patient_picker", data, form_target_origin);
}

http::Response Pages::encounter_picker(const EncounterPickerView& view,
                                       std::string_view form_target_origin) const {
  mustache::data data = mustache::data::type::object;
  data.set("app", app_data(view.app));
  data.set("app_header", impl_->app_header(view.app));
  data.set("form", form_data(view.form));
  set_if(data, "patient_name", view.patient_name);
  set_if(data, "message", view.message);
  mustache::data encounters = mustache::data::type::list;
  for (const EncounterRow& row : view.encounters) {
    mustache::data item = mustache::data::type::object;
    item.set("id", row.id);
    set_if(item, "period", row.period);
    set_if(item, "type", row.type);
    encounters.push_back(item);
  }
  data.set("encounters", encounters);
  if (!view.encounters.empty()) data.set("has_encounters", true);
  return impl_->page(200, "Choose an encounter", "encounter_picker", data, form_target_origin);
}

http::Response Pages::consent(const ConsentView& view, std::string_view form_target_origin) const {
  mustache::data data = mustache::data::type::object;
  data.set("app", app_data(view.app));
  data.set("app_header", impl_->app_header(view.app));
  data.set("form", form_data(view.form));
  set_if(data, "user_name", view.user_name);
  set_if(data, "patient_name", view.patient_name);
  int index = 0;
  data.set("rows", consent_rows(view.rows, index));
  // ONC (g)(10) / SMART best practice: the user is told, on this screen, that offline access
  // outlives the session.
  data.set("offline_access", view.offline_access);
  return impl_->page(200, "Allow access?", "consent", data, form_target_origin);
}

http::Response Pages::error(const ErrorView& view) const {
  mustache::data data = mustache::data::type::object;
  data.set("title", view.title);
  data.set("message", view.message);
  set_if(data, "request_id", view.request_id);
  if (auto link = web_link(view.link_href); !link.empty()) {
    data.set("link_href", link);
    data.set("link_text", view.link_text.empty() ? link : view.link_text);
  }
  return impl_->page(view.status, view.title, "error", data, "");
}

const std::string& Pages::stylesheet() const { return impl_->stylesheet; }

}  // namespace sa::authorize
