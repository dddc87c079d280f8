#include "http/message.hpp"

#include <atomic>

#include "util/strings.hpp"

namespace sa::http {

std::string_view method_name(Method m) {
  switch (m) {
    case Method::GET: return "GET";
    case Method::HEAD: return "HEAD";
    case Method::POST: return "POST";
    case Method::PUT: return "PUT";
    case Method::DELETE_: return "DELETE";
    case Method::OPTIONS: return "OPTIONS";
    case Method::PATCH: return "PATCH";
    case Method::OTHER: return "OTHER";
  }
  return "OTHER";
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::path_param(std::string_view name) const {
  for (const auto& [k, v] : path_params) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

Response& Response::set(std::string name, std::string value) {
  for (Header& h : headers) {
    if (iequals(h.name, name)) {
      h.value = std::move(value);
      return *this;
    }
  }
  headers.push_back({std::move(name), std::move(value)});
  return *this;
}

Response& Response::add(std::string name, std::string value) {
  headers.push_back({std::move(name), std::move(value)});
  return *this;
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set("Content-Type", "application/json");
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set("Content-Type", std::move(content_type));
  return r;
}

struct Responder::State {
  Fn fn;
  std::atomic<bool> done{false};

  explicit State(Fn f) : fn(std::move(f)) {}
  ~State() {
    if (!done.exchange(true) && fn) {
      fn(Response::json(500, R"({"error":"server_error","error_description":"internal error"})"));
    }
  }
};

Responder::Responder(Fn fn) : state_(std::make_shared<State>(std::move(fn))) {}

void Responder::operator()(Response response) const {
  if (state_ && !state_->done.exchange(true)) state_->fn(std::move(response));
}

}  // namespace sa::http
