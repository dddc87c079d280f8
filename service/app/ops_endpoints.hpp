// Operational endpoints: /healthz (200 while the store answers, else 503) and /metrics
// (Prometheus text). Neither touches OAuth state.
#pragma once

#include "http/router.hpp"
#include "obs/metrics.hpp"
#include "store/database.hpp"

namespace sa::app {

http::Handler health_endpoint(store::Database& database);
// The counters of `metrics`, then the store's group-commit figures (writes, commits, failures,
// largest batch): writes per commit is what durable throughput depends on.
http::Handler metrics_endpoint(const obs::Metrics& metrics, const store::Database& database);

}  // namespace sa::app
