#include "ratelimit/report.hpp"

#include <string>

#include "obs/log.hpp"

namespace sa::ratelimit {
namespace {
constexpr std::size_t kMaxLoggedChars = 128;  // client_ids are caller-chosen text

std::string clip(std::string_view text) { return std::string(text.substr(0, kMaxLoggedChars)); }
}  // namespace

void report_refusal(obs::Metrics& metrics, std::string_view limit, std::string_view ip,
                    std::string_view client_id, std::string_view route) {
  obs::audit("rate_limited", {{"limit", std::string(limit)},
                              {"ip", clip(ip)},
                              {"client_id", clip(client_id)},
                              {"route", clip(route)}});
  metrics.increment("smart_auth_rate_limited_total", "Requests refused by a rate limit.",
                    {{"limit", std::string(limit)}});
}

}  // namespace sa::ratelimit
