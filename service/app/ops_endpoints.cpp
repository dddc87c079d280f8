#include "app/ops_endpoints.hpp"

namespace sa::app {

http::Handler health_endpoint(store::Database& database) {
  return http::sync_handler([&database](const http::Request&) {
    if (database.healthy()) return http::Response::json(200, R"({"status":"ok"})");
    return http::Response::json(503, R"({"status":"unavailable","store":"not answering"})");
  });
}

http::Handler metrics_endpoint(const obs::Metrics& metrics) {
  return http::sync_handler([&metrics](const http::Request&) {
    return http::Response::text(200, metrics.render(), "text/plain; version=0.0.4");
  });
}

}  // namespace sa::app
