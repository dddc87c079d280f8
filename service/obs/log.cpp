#include "obs/log.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "crypto/hash.hpp"

namespace sa::obs {
namespace {

std::shared_ptr<spdlog::logger> make_logger(const std::string& name,
                                            const std::shared_ptr<spdlog::sinks::sink>& sink) {
  auto logger = std::make_shared<spdlog::logger>(name, sink);
  // Each line is a JSON object; %v carries the already-escaped fields.
  logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","channel":"%n",%v})",
                      spdlog::pattern_time_type::utc);
  logger->flush_on(spdlog::level::warn);
  return logger;
}

struct Loggers {
  std::shared_ptr<spdlog::logger> app, access, audit;
  bool audit_enabled = true;
};

bool g_stderr = false;  // set by log_to_stderr() before the loggers exist

Loggers& loggers() {
  static Loggers instance = [] {
    std::shared_ptr<spdlog::sinks::sink> sink;
    if (g_stderr) {
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
      sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    }
    Loggers made{make_logger("app", sink), make_logger("access", sink),
                 make_logger("audit", sink), true};
    // An audit line records a decision already acted on (a token issued, a client registered):
    // it must be out of the process before a crash can take it. Every audit line flushes the
    // shared sink (and with it any app or access line still buffered). spdlog 1.10's stdout sink
    // happens to fflush every line as well; this keeps the guarantee if the sink changes.
    made.audit->flush_on(spdlog::level::info);
    return made;
  }();
  return instance;
}

spdlog::level::level_enum to_spd(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::trace: return spdlog::level::trace;
    case config::LogLevel::debug: return spdlog::level::debug;
    case config::LogLevel::info: return spdlog::level::info;
    case config::LogLevel::warn: return spdlog::level::warn;
    case config::LogLevel::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

spdlog::level::level_enum to_spd(Level level) {
  switch (level) {
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

void write_fields(rapidjson::Writer<rapidjson::StringBuffer>& w,
                  std::initializer_list<Field> fields) {
  for (const Field& f : fields) {
    w.Key(f.key.data(), static_cast<rapidjson::SizeType>(f.key.size()));
    if (f.raw_number) {
      w.RawValue(f.value.data(), f.value.size(), rapidjson::kNumberType);
    } else {
      w.String(f.value.data(), static_cast<rapidjson::SizeType>(f.value.size()));
    }
  }
}

// Renders `"k":v,...` without the surrounding braces, which the pattern supplies.
std::string render_members(std::string_view message, std::initializer_list<Field> fields) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  if (!message.empty()) {
    w.Key("msg");
    w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  }
  write_fields(w, fields);
  w.EndObject();
  std::string out(buf.GetString(), buf.GetSize());
  // Strip '{' and '}'; an object with no members leaves an empty string, which the pattern
  // cannot take (it would end in a dangling comma), so emit a placeholder member.
  out = out.substr(1, out.size() - 2);
  return out.empty() ? std::string(R"("msg":"")") : out;
}

}  // namespace

Field num(std::string_view key, double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", value);
  return {key, buf, true};
}

void log_to_stderr() { g_stderr = true; }

void init_logging(const config::LogSettings& settings) {
  Loggers& l = loggers();
  l.audit_enabled = settings.audit;
  set_level(settings.level);
}

void set_level(config::LogLevel level) {
  Loggers& l = loggers();
  l.app->set_level(to_spd(level));
  l.access->set_level(to_spd(level));
  l.audit->set_level(spdlog::level::info);
}

void log(Level level, std::string_view message, std::initializer_list<Field> fields) {
  auto& logger = *loggers().app;
  auto lvl = to_spd(level);
  if (!logger.should_log(lvl)) return;
  logger.log(lvl, "{}", render_members(message, fields));
}

bool enabled(Level level) { return loggers().app->should_log(to_spd(level)); }

void access(std::initializer_list<Field> fields) {
  auto& logger = *loggers().access;
  if (!logger.should_log(spdlog::level::info)) return;
  logger.info("{}", render_members({}, fields));
}

void audit(std::string_view event, std::initializer_list<Field> fields) {
  Loggers& l = loggers();
  if (!l.audit_enabled) return;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  std::string members = render_members({}, fields);
  std::string line = R"("event":)";
  w.String(event.data(), static_cast<rapidjson::SizeType>(event.size()));
  line.append(buf.GetString(), buf.GetSize());
  line += ',';
  line += members;
  l.audit->info("{}", line);
}

std::string fingerprint(std::string_view secret) {
  return crypto::sha256_b64url(secret).substr(0, 8);
}

std::string render_fields(std::string_view message, std::initializer_list<Field> fields) {
  // Built by append: GCC 12 at -O3 misreports `"{" + std::string&&` as -Wrestrict.
  std::string members = render_members(message, fields);
  std::string out;
  out.reserve(members.size() + 2);
  out.append("{").append(members).append("}");
  return out;
}

}  // namespace sa::obs
