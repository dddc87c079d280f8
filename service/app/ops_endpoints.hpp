// Operational endpoints: /healthz (200 while the store answers, else 503) and /metrics
// (Prometheus text). Neither touches OAuth state.
#pragma once

#include "http/router.hpp"
#include "obs/metrics.hpp"
#include "store/database.hpp"

namespace sa::app {

http::Handler health_endpoint(store::Database& database);
http::Handler metrics_endpoint(const obs::Metrics& metrics);

}  // namespace sa::app
