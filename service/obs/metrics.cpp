#include "obs/metrics.hpp"

#include <cstdio>
#include <tuple>

namespace sa::obs {
namespace {

// Prometheus label values escape backslash, double quote and newline.
std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_double(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string labels_text(const Metrics::Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += labels[i].first + "=\"" + escape_label(labels[i].second) + '"';
  }
  return out + "}";
}

}  // namespace

void Metrics::observe_request(std::string_view route, std::string_view method, int status,
                              double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[std::make_tuple(std::string(route), std::string(method), status)];
  Histogram& h = latency_[std::string(route)];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::increment(std::string_view name, std::string_view help, Labels labels,
                        std::uint64_t by) {
  std::lock_guard lock(mutex_);
  auto it = counters_.find(name);
  if (it == counters_.end()) it = counters_.emplace(std::string(name), Counter{std::string(help), {}}).first;
  it->second.values[std::move(labels)] += by;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP smart_auth_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE smart_auth_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out += "smart_auth_http_requests_total" +
           labels_text({{"route", route}, {"method", method}, {"status", std::to_string(status)}}) +
           ' ' + std::to_string(count) + '\n';
  }
  out += "# HELP smart_auth_http_request_duration_seconds Time from full headers to response.\n";
  out += "# TYPE smart_auth_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    const std::string name = "smart_auth_http_request_duration_seconds";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out += name + "_bucket" + labels_text({{"route", route}, {"le", format_double(kBuckets[i])}}) +
             ' ' + std::to_string(h.buckets[i]) + '\n';
    }
    out += name + "_bucket" + labels_text({{"route", route}, {"le", "+Inf"}}) + ' ' +
           std::to_string(h.count) + '\n';
    out += name + "_sum" + labels_text({{"route", route}}) + ' ' + format_double(h.sum) + '\n';
    out += name + "_count" + labels_text({{"route", route}}) + ' ' + std::to_string(h.count) + '\n';
  }
  for (const auto& [name, counter] : counters_) {
    out += "# HELP " + name + ' ' + counter.help + '\n';
    out += "# TYPE " + name + " counter\n";
    for (const auto& [labels, value] : counter.values) {
      out += name + labels_text(labels) + ' ' + std::to_string(value) + '\n';
    }
  }
  return out;
}

}  // namespace sa::obs
