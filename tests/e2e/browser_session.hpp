// A cookie-keeping HTTPS client for the authorize pages: what a browser does between pages
// (keep cookies, send forms), and nothing it does on its own (redirects are returned, not
// followed, so tests can read the Location).
#pragma once

#include <catch2/catch.hpp>

#include <strings.h>

#include <map>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/https_client.hpp"
#include "url/query.hpp"

namespace sa::test {

using Fields = std::vector<std::pair<std::string, std::string>>;

inline std::string form_encode(const Fields& fields) {
  std::vector<url::QueryParam> params;
  for (const auto& [name, value] : fields) params.push_back({name, value});
  auto encoded = url::add_query_params("https://x.invalid/", params);
  REQUIRE(encoded);
  return encoded->substr(encoded->find('?') + 1);
}

class BrowserSession {
 public:
  BrowserSession(std::uint16_t port, std::string ca_file) : client_(port, std::move(ca_file)) {}

  HttpResponse get(const std::string& target) { return absorb(client_.request("GET", target, cookie_header())); }
  HttpResponse post(const std::string& target, const Fields& fields) {
    auto headers = cookie_header();
    headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return absorb(client_.request("POST", target, headers, form_encode(fields)));
  }
  std::optional<std::string> cookie(const std::string& name) const {
    auto it = jar_.find(name);
    if (it == jar_.end()) return std::nullopt;
    return it->second;
  }
  void set_cookie(const std::string& name, const std::string& value) { jar_[name] = value; }
  void forget_cookies() { jar_.clear(); }
  // Every Set-Cookie value seen so far (attributes included), for checking cookie flags.
  const std::vector<std::string>& set_cookie_lines() const { return lines_; }

 private:
  std::vector<std::pair<std::string, std::string>> cookie_header() const {
    if (jar_.empty()) return {};
    std::string value;
    for (const auto& [name, v] : jar_) value += (value.empty() ? "" : "; ") + name + "=" + v;
    return {{"Cookie", value}};
  }
  HttpResponse absorb(HttpResponse response) {
    for (const auto& [name, value] : response.headers) {
      if (strcasecmp(name.c_str(), "Set-Cookie") != 0) continue;
      lines_.push_back(value);
      auto eq = value.find('=');
      auto end = value.find(';');
      std::string cookie_name = value.substr(0, eq);
      std::string cookie_value = value.substr(eq + 1, end == std::string::npos ? end : end - eq - 1);
      bool expired = value.find("Max-Age=0") != std::string::npos || cookie_value.empty();
      if (expired) {
        jar_.erase(cookie_name);
      } else {
        jar_[cookie_name] = cookie_value;
      }
    }
    return response;
  }

  HttpsClient client_;
  std::map<std::string, std::string> jar_;
  std::vector<std::string> lines_;
};

// The value attribute of the first <input> (or <button>) named `name` in a page.
inline std::string input_value(const std::string& html, const std::string& name) {
  std::regex tag("<(input|button)[^>]*name=\"" + name + "\"[^>]*>");
  std::smatch m;
  INFO(html);
  REQUIRE(std::regex_search(html, m, tag));
  std::string element = m.str(0);
  std::regex value("value=\"([^\"]*)\"");
  std::smatch v;
  REQUIRE(std::regex_search(element, v, value));
  return v.str(1);
}

// Every value attribute of inputs named `name` (checkboxes, radio buttons, buttons).
inline std::vector<std::string> input_values(const std::string& html, const std::string& name) {
  std::vector<std::string> out;
  std::regex tag("<(input|button)[^>]*name=\"" + name + "\"[^>]*>");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator();
       ++it) {
    std::string element = it->str(0);
    std::smatch v;
    if (std::regex_search(element, v, std::regex("value=\"([^\"]*)\""))) out.push_back(v.str(1));
  }
  return out;
}

// The query parameters of a redirect's Location.
inline std::map<std::string, std::string> location_params(const HttpResponse& response) {
  auto location = response.header("Location");
  INFO(response.status << " " << response.body);
  REQUIRE(location);
  std::map<std::string, std::string> out;
  auto q = location->find('?');
  if (q == std::string::npos) return out;
  auto params = url::parse_query(location->substr(q + 1), {.max_params = 50, .max_length = 8192});
  REQUIRE(params);
  for (auto& p : *params) out[p.name] = p.value;
  return out;
}

}  // namespace sa::test
