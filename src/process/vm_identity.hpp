#pragma once
// Proving that a pid read from a file is this service's VM before anything signals it.
// The supervisor writes run/<stem>.pid (a plain number, for monit and scripts) and beside it
// run/<stem>.pid.json with what identifies that process: its start time (fixed at fork, so a
// recycled pid never matches), the image and run-script arguments of its command line and,
// once known, its executable. A pid whose /proc entry disagrees in any of these is stale.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace pharoctl {

struct VmIdentity {
  pid_t pid = 0;
  std::uint64_t start_ticks = 0;
  std::string image;       // absolute image path as passed on the command line
  std::string run_script;  // the run script argument
  std::string exe;         // /proc/PID/exe once the VM has exec'd; "" when not recorded
};

struct IdentityVerdict {
  bool proven = false;
  std::string reason;  // why not, for messages: "pid 123 started at another time (recycled pid)"
};

// Compares the live process with the record.
IdentityVerdict verify_identity(const VmIdentity& id);

// What a pid file says, checked against /proc.
struct PidFileState {
  bool exists = false;
  pid_t pid = 0;              // 0 when absent or unreadable
  std::optional<VmIdentity> identity;
  IdentityVerdict verdict;    // proven only when the identity record matches the live process
};

class PidFile {
 public:
  explicit PidFile(std::filesystem::path path) : path_(std::move(path)) {}
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path identity_path() const { return path_.string() + ".json"; }

  void write(const VmIdentity& id) const;  // both files, atomically each
  void remove() const;
  PidFileState inspect() const;

 private:
  std::filesystem::path path_;
};

}  // namespace pharoctl
