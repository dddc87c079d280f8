// Prometheus metrics in text exposition format 0.0.4: request counts by route, method and
// status, a latency histogram per route, and named counters other modules add to (tokens issued,
// OAuth errors by code). Thread-safe; the hot path takes one short mutex per request.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <string_view>
#include <utility>
#include <vector>

namespace sa::obs {

class Metrics {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;

  void observe_request(std::string_view route, std::string_view method, int status,
                       double seconds);
  // Adds to a counter; `help` is recorded the first time a name is seen.
  void increment(std::string_view name, std::string_view help, Labels labels = {},
                 std::uint64_t by = 1);
  std::string render() const;

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Counter {
    std::string help;
    std::map<Labels, std::uint64_t> values;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::map<std::string, Counter, std::less<>> counters_;
};

}  // namespace sa::obs
