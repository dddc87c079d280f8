#include "app/ops_endpoints.hpp"

#include <string>

namespace sa::app {

http::Handler health_endpoint(store::Database& database) {
  return http::sync_handler([&database](const http::Request&) {
    if (database.healthy()) return http::Response::json(200, R"({"status":"ok"})");
    return http::Response::json(503, R"({"status":"unavailable","store":"not answering"})");
  });
}

http::Handler metrics_endpoint(const obs::Metrics& metrics, const store::Database& database) {
  return http::sync_handler([&metrics, &database](const http::Request&) {
    const auto stats = database.stats();
    std::string text = metrics.render();
    auto counter = [&text](const char* name, const char* help, const char* type,
                           std::uint64_t value) {
      text += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type +
              "\n" + name + " " + std::to_string(value) + "\n";
    };
    counter("smart_auth_store_writes_total", "Durable writes run by the store's writer.",
            "counter", stats.ops);
    counter("smart_auth_store_commits_total", "Transactions the writer committed or attempted.",
            "counter", stats.batches);
    counter("smart_auth_store_commit_failures_total", "Transactions that failed to commit.",
            "counter", stats.commit_failures);
    counter("smart_auth_store_batch_reruns_total",
            "Batches run again write by write because a write in them failed.", "counter",
            stats.reruns);
    counter("smart_auth_store_checkpoints_total",
            "WAL checkpoints: the checkpointer thread's runs and the writer's own.", "counter",
            stats.checkpoints);
    counter("smart_auth_store_checkpoint_failures_total",
            "WAL checkpoints that could not flush the database file; the WAL is then kept whole.",
            "counter", stats.checkpoint_failures);
    counter("smart_auth_store_largest_batch", "Most writes gathered in one commit so far.",
            "gauge", stats.largest_batch);
    return http::Response::text(200, std::move(text), "text/plain; version=0.0.4");
  });
}

}  // namespace sa::app
