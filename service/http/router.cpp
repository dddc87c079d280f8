#include "http/router.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "obs/log.hpp"
#include "ratelimit/address_key.hpp"
#include "ratelimit/report.hpp"
#include "util/strings.hpp"

namespace sa::http {
namespace {

std::vector<std::string_view> path_segments(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return split(path, '/');
}

struct Decoration {
  bool tls = false;
  bool cacheable = false;
  std::string origin;  // empty unless CORS applies and the origin is allowed
  std::string request_id;
};

// Every response leaves through here: one place sets the headers the security review expects.
void decorate(Response& res, const Decoration& d) {
  if (d.tls) res.set("Strict-Transport-Security", "max-age=31536000");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  // RFC 6749 §5.1 and RFC 7591 §3.2.1: a response carrying a token or a secret is
  // Cache-Control: no-store, Pragma: no-cache. This is the only place that sets them: the token
  // and registrar routes are registered non-cacheable and rely on it, so no handler writes them
  // and none can loosen them (a handler's own Cache-Control is overridden). An error is never
  // cacheable, on any route: a cached 500 would outlive the fault.
  if (!d.cacheable || res.status >= 400) {
    res.set("Cache-Control", "no-store");
    res.set("Pragma", "no-cache");
  } else if (!res.header("Cache-Control")) {
    res.set("Cache-Control", "public, max-age=300");
  }
  if (!d.origin.empty()) {
    res.set("Access-Control-Allow-Origin", d.origin);
    res.set("Access-Control-Expose-Headers", "WWW-Authenticate, X-Request-Id");
    res.add("Vary", "Origin");
  }
  if (!d.request_id.empty()) res.set("X-Request-Id", d.request_id);
}

std::string allow_header(std::vector<Method> methods) {
  std::sort(methods.begin(), methods.end());
  methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
  std::string out;
  for (Method m : methods) {
    if (!out.empty()) out += ", ";
    out += method_name(m);
  }
  return out;
}

}  // namespace

void apply_default_headers(Response& response, bool tls) { decorate(response, {tls}); }

Handler sync_handler(std::function<Response(const Request&)> fn) {
  return [fn = std::move(fn)](const Request& req, Responder done) { done(fn(req)); };
}

Response error_response(int status, std::string_view code, std::string_view description) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("error");
  w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  if (!description.empty()) {
    w.Key("error_description");
    w.String(description.data(), static_cast<rapidjson::SizeType>(description.size()));
  }
  w.EndObject();
  return Response::json(status, std::string(buf.GetString(), buf.GetSize()));
}

Router::Router(RouterSettings settings) : settings_(std::move(settings)) {}

void Router::add(Method method, std::string pattern, std::string name, Handler handler,
                 RouteOptions options) {
  Route route{method, pattern, {}, std::move(name), std::move(handler), std::move(options)};
  for (std::string_view s : path_segments(pattern)) route.segments.emplace_back(s);
  routes_.push_back(std::move(route));
}

bool Router::limit(Method method, std::string_view pattern, RouteRateLimit limit) {
  for (Route& route : routes_) {
    if (route.method == method && route.pattern == pattern) {
      route.options.rate_limit = std::move(limit);
      return true;
    }
  }
  return false;
}

bool Router::matches(const Route& route, const std::vector<std::string_view>& segments) {
  if (route.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = route.segments[i];
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (segments[i].empty()) return false;
    } else if (want != segments[i]) {
      return false;
    }
  }
  return true;
}

bool Router::origin_allowed(std::string_view origin) const {
  if (settings_.cors_allowed_origins.empty()) return true;
  return std::find(settings_.cors_allowed_origins.begin(), settings_.cors_allowed_origins.end(),
                   origin) != settings_.cors_allowed_origins.end();
}

void Router::dispatch(Request& req, Responder done) const {
  const auto segments = path_segments(req.path);
  const Route* found = nullptr;
  std::vector<Method> allowed;
  bool cors_path = false;
  // HEAD is served by the GET handler; the server drops the body.
  const Method wanted = req.method == Method::HEAD ? Method::GET : req.method;
  for (const Route& route : routes_) {
    if (!matches(route, segments)) continue;
    allowed.push_back(route.method);
    if (route.method == Method::GET) allowed.push_back(Method::HEAD);
    cors_path = cors_path || route.options.cors;
    if (!found && route.method == wanted) found = &route;
  }

  Decoration deco{req.tls, false, {}, req.request_id};
  auto origin = req.header("Origin");
  if (cors_path && origin && origin_allowed(*origin)) deco.origin = std::string(*origin);

  if (!found) {
    Response res;
    if (allowed.empty()) {
      req.route_name = "unmatched";
      res = error_response(404, "not_found", "no such endpoint");
    } else if (req.method == Method::OPTIONS && cors_path) {
      // CORS preflight (Fetch standard): say which methods and headers a browser may use.
      req.route_name = "preflight";
      allowed.push_back(Method::OPTIONS);
      res.status = 204;
      if (!deco.origin.empty()) {
        res.set("Access-Control-Allow-Methods", allow_header(allowed));
        res.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
        res.set("Access-Control-Max-Age", "600");
      }
    } else {
      req.route_name = "method_not_allowed";
      if (cors_path) allowed.push_back(Method::OPTIONS);
      res = error_response(405, "method_not_allowed",
                           std::string(method_name(req.method)) + " is not allowed here");
      res.set("Allow", allow_header(allowed));
    }
    decorate(res, deco);
    done(std::move(res));
    return;
  }

  req.route_name = found->name;
  for (std::size_t i = 0; i < found->segments.size(); ++i) {
    const std::string& want = found->segments[i];
    if (want.size() > 2 && want.front() == '{') {
      req.path_params.emplace_back(want.substr(1, want.size() - 2), std::string(segments[i]));
    }
  }
  deco.cacheable = found->options.cacheable;
  if (!found->options.cors) deco.origin.clear();
  Responder decorated([deco, done](Response res) {
    decorate(res, deco);
    done(std::move(res));
  });
  if (const RouteRateLimit& limit = found->options.rate_limit; limit.limiter != nullptr) {
    // SMART App Launch 2.2, Client Confidential Symmetric: MUST rate-limit brute force; every
    // attempt counts. RFC 6585 §4: 429 says how long to wait in Retry-After;
    // RFC 6749 has no such code, so the body reuses temporarily_unavailable.
    auto verdict = limit.limiter->acquire(ratelimit::address_key(req.remote_addr));
    if (!verdict.allowed) {
      if (limit.metrics != nullptr) {
        ratelimit::report_refusal(*limit.metrics, limit.name, req.remote_addr, {}, found->name);
      }
      Response res =
          error_response(429, "temporarily_unavailable", "too many requests, retry later");
      res.set("Retry-After", std::to_string(verdict.retry_after_s));
      decorated(std::move(res));
      return;
    }
  }
  try {
    found->handler(req, decorated);
  } catch (const std::exception& e) {
    // An exception in the request path is a bug: log it with the request id, answer 500.
    obs::log(obs::Level::error, "handler threw",
             {{"request_id", req.request_id}, {"route", found->name}, {"what", e.what()}});
    decorated(error_response(500, "server_error", "internal error, request id " + req.request_id));
  }
}

std::vector<std::pair<std::string, std::string>> Router::advertised() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Route& r : routes_) {
    if (!r.options.discovery_field.empty()) out.emplace_back(r.options.discovery_field, r.pattern);
  }
  return out;
}

}  // namespace sa::http
