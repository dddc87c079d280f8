// Runs the real smart-auth binary for end-to-end tests: a temp data dir, a config written by the
// test, port 0, and a ready file the service writes once it listens. Stops it with a signal and
// reports the exit status. Never uses fixed ports or sleeps for readiness beyond polling the
// ready file.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sa::test {

std::filesystem::path binary_path();  // the smart-auth binary under test

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct ProcessResult {
  bool exited = false;
  int exit_code = -1;
  int signal = 0;
};

// Runs a command to completion, capturing stdout+stderr.
struct CommandOutput {
  ProcessResult status;
  std::string output;
};
CommandOutput run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The shipped config/demo-directory.yaml in the source tree.
std::string demo_directory_path();

// The default test config: everything under `dir`, HTTPS on 127.0.0.1:0, the builtin directory on
// the demo directory unless `directory_yaml` (a whole top-level `directory:` section) replaces it.
// `extra_yaml` is appended (top-level keys must not repeat those written here: server, store,
// data_dir, log, directory).
std::string test_config_yaml(const std::filesystem::path& dir, const std::string& server_extra = {},
                             const std::string& extra_yaml = {},
                             const std::string& directory_yaml = {});

class ServiceProcess {
 public:
  // Writes `config_yaml` to dir/smart-auth.yaml and starts the binary with it.
  ServiceProcess(const std::filesystem::path& dir, const std::string& config_yaml);
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // Waits for the ready file (or for the process to exit). False if it never became ready.
  bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::uint16_t https_port() const { return https_port_; }
  std::optional<std::uint16_t> http_port() const { return http_port_; }
  std::string base_url() const;  // https://localhost:<port>
  std::filesystem::path ca_file() const;
  std::string log() const;  // everything it printed so far
  int pid() const { return pid_; }

  // Sends `sig` and waits for the exit.
  ProcessResult stop(int sig, std::chrono::milliseconds timeout = std::chrono::seconds(15));

 private:
  std::filesystem::path dir_;
  int pid_ = -1;
  std::uint16_t https_port_ = 0;
  std::optional<std::uint16_t> http_port_;
  std::string ca_file_;
  bool reaped_ = false;
};

// One audit line ({"channel":"audit","event":...}) with its string and number members as text.
struct AuditEvent {
  std::map<std::string, std::string> fields;
  std::string get(const std::string& name) const;  // "" when absent
};
// The audit events named `event` in a service's output, in the order they were written. The
// service buffers info lines, so read the output after stop() for a complete list.
std::vector<AuditEvent> audit_events(const std::string& output, std::string_view event);
// The first audit event named `event` whose `field` is `value`.
std::optional<AuditEvent> find_audit_event(const std::string& output, std::string_view event,
                                           const std::string& field, std::string_view value);

}  // namespace sa::test
