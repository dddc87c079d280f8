// Plain HTTP request/response values that protocol code sees. No Boost here: handlers are
// pure functions of a Request, so they unit-test without an event loop and compile fast.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sa::http {

enum class Method { GET, HEAD, POST, PUT, DELETE_, OPTIONS, PATCH, OTHER };
std::string_view method_name(Method m);

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  Method method = Method::GET;
  std::string target;  // raw request-target, with query
  std::string path;    // target without query
  std::string query;   // after '?', undecoded
  std::vector<Header> headers;
  std::string body;
  std::string request_id;  // assigned by the server, echoed in X-Request-Id and logs
  std::string remote_addr;
  bool tls = false;
  std::vector<std::pair<std::string, std::string>> path_params;  // {name} captures from the router
  std::string route_name;  // set by the router: the metrics/log label

  // First header with this name (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const;
  std::optional<std::string_view> path_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<Header> headers;
  std::string body;

  Response& set(std::string name, std::string value);  // replaces an existing header
  Response& add(std::string name, std::string value);  // appends (Vary, Set-Cookie)
  std::optional<std::string_view> header(std::string_view name) const;

  static Response json(int status, std::string body);
  static Response text(int status, std::string body, std::string content_type = "text/plain");
};

// Completes one request, from any thread. Copies share one state: the first call wins, later
// calls are ignored. If every copy is dropped without a call the request is answered 500, so a
// handler bug can never leave a connection hanging.
class Responder {
 public:
  using Fn = std::function<void(Response)>;
  Responder() = default;
  explicit Responder(Fn fn);

  void operator()(Response response) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace sa::http
