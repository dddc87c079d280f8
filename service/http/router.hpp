// Maps method + path to handlers and applies the response policy every route shares:
// security headers, Cache-Control, CORS and preflight, JSON 404/405 with Allow, and an optional
// per-address rate limit (429 with Retry-After).
// It knows nothing of sockets (see server.hpp) or of OAuth (see oauth/).
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "http/message.hpp"
#include "obs/metrics.hpp"
#include "ratelimit/window_limiter.hpp"

namespace sa::http {

using Handler = std::function<void(const Request&, Responder)>;
// Adapts a synchronous request -> response function.
Handler sync_handler(std::function<Response(const Request&)> fn);

// A limit on every request to a route, counted per peer address. Refusals are audited and
// counted under `name`; `limiter` and `metrics` must outlive the router.
struct RouteRateLimit {
  ratelimit::WindowLimiter* limiter = nullptr;  // null: no limit
  std::string name;                             // e.g. "registration_per_ip"
  obs::Metrics* metrics = nullptr;
};

struct RouteOptions {
  bool cors = false;       // browser apps call it: CORS headers and OPTIONS preflight
  // May be cached (discovery, JWKS). Everything else, and every error, is answered no-store
  // whatever the handler set: routes that return tokens or secrets must stay non-cacheable.
  bool cacheable = false;
  // Discovery member this route provides, e.g. "token_endpoint". Discovery lists a route only
  // once it is registered, so an endpoint is advertised exactly when it works.
  std::string discovery_field;
  RouteRateLimit rate_limit;
};

struct RouterSettings {
  std::vector<std::string> cors_allowed_origins;  // empty: any origin
};

// A JSON error body {"error": code, "error_description": description} with the given status.
Response error_response(int status, std::string_view code, std::string_view description);

// The headers every response carries (HSTS over TLS, nosniff, no-referrer, no-store): for the
// few answers the server writes itself before a request reaches the router (413, 431, 400).
void apply_default_headers(Response& response, bool tls);

class Router {
 public:
  explicit Router(RouterSettings settings = {});

  // `pattern` is a path whose segments are literals or {name} captures: "/auth/register/{id}".
  void add(Method method, std::string pattern, std::string name, Handler handler,
           RouteOptions options = {});
  // Puts `limit` on a route already added (one another module registers). False if the route
  // does not exist.
  bool limit(Method method, std::string_view pattern, RouteRateLimit limit);
  // Routes, runs and decorates one request. Sets req.path_params and req.route_name.
  void dispatch(Request& req, Responder done) const;
  // (discovery_field, path) of every registered route that advertises itself.
  std::vector<std::pair<std::string, std::string>> advertised() const;

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;
    std::string name;
    Handler handler;
    RouteOptions options;
  };
  static bool matches(const Route& route, const std::vector<std::string_view>& segments);
  bool origin_allowed(std::string_view origin) const;

  RouterSettings settings_;
  std::vector<Route> routes_;
};

}  // namespace sa::http
