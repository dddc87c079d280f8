#include "support/service_process.hpp"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace sa::test {
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int spawn(const std::vector<std::string>& argv, const fs::path& output) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("posix_spawn failed for " + argv[0]);
  return pid;
}

// Polls waitpid until the child exits or the timeout passes.
std::optional<ProcessResult> wait_exit(int pid, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      ProcessResult res;
      if (WIFEXITED(status)) {
        res.exited = true;
        res.exit_code = WEXITSTATUS(status);
      } else if (WIFSIGNALED(status)) {
        res.signal = WTERMSIG(status);
      }
      return res;
    }
    if (std::chrono::steady_clock::now() > until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

fs::path binary_path() {
  if (const char* env = std::getenv("SMART_AUTH_BINARY")) return env;
  return SMART_AUTH_BINARY;
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "smart-auth-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

CommandOutput run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  TempDir dir;
  fs::path out = dir.path() / "output";
  int pid = spawn(argv, out);
  auto res = wait_exit(pid, timeout);
  if (!res) {
    kill(pid, SIGKILL);
    res = wait_exit(pid, std::chrono::seconds(5));
  }
  return {res.value_or(ProcessResult{}), read_file(out)};
}

std::string demo_directory_path() {
  const char* source = std::getenv("SMART_AUTH_SOURCE_DIR");  // set by ctest
  return (fs::path(source != nullptr ? source : ".") / "config" / "demo-directory.yaml").string();
}

std::string test_config_yaml(const fs::path& dir, const std::string& server_extra,
                             const std::string& extra_yaml, const std::string& directory_yaml) {
  // The default relative path would be read from the test's working directory.
  const std::string builtin =
      "directory:\n  builtin:\n    file: \"" + demo_directory_path() + "\"\n";
  std::ostringstream y;
  y << "data_dir: \"" << (dir / "data").string() << "\"\n"
    << "server:\n"
    << "  listen: \"127.0.0.1:0\"\n"
    << "  threads: 2\n"
    << server_extra << "store:\n"
    << "  path: \"" << (dir / "data" / "smart-auth.db").string() << "\"\n"
    << "log:\n"
    << "  level: debug\n"
    << (directory_yaml.empty() ? builtin : directory_yaml) << extra_yaml;
  return y.str();
}

ServiceProcess::ServiceProcess(const fs::path& dir, const std::string& config_yaml) : dir_(dir) {
  fs::path config = dir / "smart-auth.yaml";
  std::ofstream(config) << config_yaml;
  fs::remove(dir / "ready.json");
  pid_ = spawn({binary_path().string(), "--config", config.string(), "--ready-file",
                (dir / "ready.json").string()},
               dir / "service.log");
}

ServiceProcess::~ServiceProcess() {
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    wait_exit(pid_, std::chrono::seconds(5));
  }
}

bool ServiceProcess::wait_ready(std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  fs::path ready = dir_ / "ready.json";
  while (std::chrono::steady_clock::now() < until) {
    if (fs::exists(ready)) {
      rapidjson::Document doc;
      std::string text = read_file(ready);
      doc.Parse(text.c_str());
      if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("https_port")) {
        https_port_ = static_cast<std::uint16_t>(doc["https_port"].GetUint());
        if (doc.HasMember("http_port") && doc["http_port"].IsUint()) {
          http_port_ = static_cast<std::uint16_t>(doc["http_port"].GetUint());
        }
        ca_file_ = doc["ca_file"].GetString();
        return true;
      }
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

std::string ServiceProcess::base_url() const {
  return "https://localhost:" + std::to_string(https_port_);
}

fs::path ServiceProcess::ca_file() const { return ca_file_; }

std::string ServiceProcess::log() const { return read_file(dir_ / "service.log"); }

ProcessResult ServiceProcess::stop(int sig, std::chrono::milliseconds timeout) {
  if (reaped_) return {};
  kill(pid_, sig);
  auto res = wait_exit(pid_, timeout);
  if (!res) {
    kill(pid_, SIGKILL);
    res = wait_exit(pid_, std::chrono::seconds(5));
  }
  reaped_ = true;
  return res.value_or(ProcessResult{});
}

std::string AuditEvent::get(const std::string& name) const {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

std::vector<AuditEvent> audit_events(const std::string& output, std::string_view event) {
  std::vector<AuditEvent> out;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    rapidjson::Document doc;
    doc.Parse(line.c_str(), line.size());
    if (doc.HasParseError() || !doc.IsObject()) continue;  // stderr's human lines
    auto channel = doc.FindMember("channel");
    auto name = doc.FindMember("event");
    if (channel == doc.MemberEnd() || !channel->value.IsString() ||
        std::string_view(channel->value.GetString()) != "audit" || name == doc.MemberEnd() ||
        !name->value.IsString() || std::string_view(name->value.GetString()) != event) {
      continue;
    }
    AuditEvent found;
    for (const auto& m : doc.GetObject()) {
      std::string key(m.name.GetString(), m.name.GetStringLength());
      if (m.value.IsString()) {
        found.fields[key] = std::string(m.value.GetString(), m.value.GetStringLength());
      } else if (m.value.IsInt64()) {
        found.fields[key] = std::to_string(m.value.GetInt64());
      }
    }
    out.push_back(std::move(found));
  }
  return out;
}

std::optional<AuditEvent> find_audit_event(const std::string& output, std::string_view event,
                                           const std::string& field, std::string_view value) {
  for (auto& e : audit_events(output, event)) {
    if (e.get(field) == value) return e;
  }
  return std::nullopt;
}

}  // namespace sa::test
