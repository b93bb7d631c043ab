#pragma once
// Where pharoctl keeps everything: $PHARO_HOME (default ~/pharo), overridden by --home, and the
// fixed layout of a service directory below it (DESIGN.md section 3). Every path any part of
// pharoctl uses is named here once.
#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pharoctl {

// Paths of one service: $HOME/<name>/...
class ServicePaths {
 public:
  ServicePaths(std::filesystem::path dir, std::string name) : dir_(std::move(dir)), name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path service_toml() const { return dir_ / "service.toml"; }
  std::filesystem::path builds() const { return dir_ / "builds"; }
  std::filesystem::path releases() const { return dir_ / "releases"; }
  std::filesystem::path current() const { return dir_ / "current"; }
  std::filesystem::path run() const { return dir_ / "run"; }
  std::filesystem::path logs() const { return dir_ / "logs"; }

  // "<name>" when the service has one instance, "<name>.<i>" otherwise: the stem of the run
  // script, the pid file and the supervisor's daily log files.
  std::string instance_stem(int instance, int count) const;
  std::filesystem::path run_script(int instance, int count) const;  // run/run-<stem>.st
  std::filesystem::path pid_file(int instance, int count) const;    // run/<stem>.pid
  // logs/<stem>-YYYY-MM-DD.log, date as "YYYY-MM-DD"
  std::filesystem::path log_file(int instance, int count, const std::string& date) const;
  // The NeoConsoleTranscript file name pattern handed to the image, relative to dir():
  // "logs/server-{1}.log" (one instance) or "logs/server.<i>-{1}.log".
  std::string server_log_pattern(int instance, int count) const;
  std::filesystem::path control_socket() const { return run() / "control.sock"; }
  std::filesystem::path supervisor_lock() const { return run() / "supervisor.lock"; }
  // What the running supervisor last recorded of its state, for `status` (supervise/status_record).
  std::filesystem::path status_record() const { return run() / "status"; }

 private:
  std::filesystem::path dir_;
  std::string name_;
};

class Home {
 public:
  // --home wins over $PHARO_HOME, which wins over ~/pharo.
  static Home resolve(const std::optional<std::string>& flag);
  explicit Home(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path runtimes() const { return root_ / "runtimes"; }
  // What each service declares of its ports, remembered for start's port checks
  // (service/port_index); a dot file, so never taken for a service.
  std::filesystem::path port_index() const { return root_ / ".pharoctl-ports"; }
  std::filesystem::path runtime_dir(const std::string& runtime) const { return runtimes() / runtime; }
  ServicePaths service(const std::string& name) const { return ServicePaths(root_ / name, name); }

  // Names of the directories below the home holding a service.toml, sorted.
  std::vector<std::string> service_names() const;
  // The same, each with the stat of its service.toml (taken anyway to know it is there).
  struct ServiceFile {
    std::string name;
    struct stat toml;
  };
  std::vector<ServiceFile> service_files() const;

 private:
  std::filesystem::path root_;
};

// Service names: [a-z][a-z0-9-]{0,62}. Empty string when valid, else what is wrong.
std::string check_service_name(const std::string& name);

// Parses "NAME" or "NAME@I": instance -1 means all instances.
struct ServiceTarget {
  std::string name;
  int instance = -1;
};
ServiceTarget parse_service_target(const std::string& text);

}  // namespace pharoctl
