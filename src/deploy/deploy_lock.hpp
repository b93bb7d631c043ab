#pragma once
// One deploy, rollback or push per service at a time: an exclusive flock on run/deploy.lock,
// dropped by the kernel when its holder dies (a SIGKILLed deploy never blocks the next one).
#include <filesystem>
#include <functional>

namespace pharoctl {

class DeployLock {
 public:
  // Takes the lock, calling `waiting` once if another deploy holds it, then blocking.
  DeployLock(const std::filesystem::path& file, const std::function<void()>& waiting);
  ~DeployLock();
  DeployLock(const DeployLock&) = delete;
  DeployLock& operator=(const DeployLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace pharoctl
