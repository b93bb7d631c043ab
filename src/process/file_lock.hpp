#pragma once
// Exclusive flock(2) held for as long as the FileLock lives (the supervisor holds
// run/supervisor.lock for its whole life; `start` serialises on run/start.lock). The kernel
// drops a flock when its holder dies, so a lock never goes stale the way a pid file does.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>

#include "util/unique_fd.hpp"

namespace pharoctl {

class FileLock {
 public:
  // Takes the lock without waiting; retries for `patience` (probes from `status` hold it for
  // microseconds); nullopt when someone else holds it. Throws Failure when the file cannot be
  // opened.
  static std::optional<FileLock> try_acquire(const std::filesystem::path& path,
                                             std::chrono::milliseconds patience = std::chrono::milliseconds(0));
  // Blocks until the lock is ours or `timeout` passes.
  static std::optional<FileLock> acquire(const std::filesystem::path& path, std::chrono::milliseconds timeout);
  // True when some process holds the lock now. Probes with a shared lock, released at once.
  static bool is_held(const std::filesystem::path& path);

  // Writes a pid into the lock file (information only; the lock is the truth).
  void record_pid(pid_t pid) const;
  // Also holds a POSIX record lock (fcntl F_SETLK, the whole file) on the same descriptor, so
  // that others can see the holder with posix_lock_holder() without taking anything: an F_GETLK
  // query locks nothing and cannot make an acquirer fail, and the kernel names the holder's pid.
  // The holder must never open and close the file elsewhere while it holds it (a POSIX lock goes
  // with the first close(2) of any descriptor of the file in its process). False when refused.
  bool hold_posix_lock() const;
  int fd() const { return fd_.get(); }

 private:
  explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

// The pid of the process holding a POSIX lock on `path` (hold_posix_lock), as the kernel says:
// nullopt when no one holds one (or no file). 0 when the holder is outside this pid namespace.
std::optional<pid_t> posix_lock_holder(const std::filesystem::path& path);

// The pid a lock file records, 0 when none.
pid_t recorded_lock_pid(const std::filesystem::path& path);

}  // namespace pharoctl
