#pragma once
// A deploy and a rollback, start to end: under the service's deploy lock, clean what an
// interrupted deploy left, make the release (deploy) or pick it (rollback), switch `current`,
// and when the service runs, hand the switch and the health gate to its supervisor, which
// switches `current` back and restarts onto the previous release when the gate fails (so a
// deploy killed half-way still ends whole). Old releases are pruned only after success.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "service/release_store.hpp"
#include "deploy/service_restarter.hpp"

namespace pharoctl {

inline constexpr int kKeepReleases = 5;

struct DeployResult {
  bool ok = false;
  std::string release;                  // what was deployed (or tried)
  std::optional<std::string> previous;  // what `current` pointed at before
  std::string active;                   // what `current` points at now ("" for none)
  bool restarted = false;               // the service ran and went through the rolling restart
  std::string reason;                   // one line, when !ok
  std::string log_tail;
  std::vector<InstanceRestart> instances;
  std::vector<std::string> pruned;
};

class Deployer {
 public:
  using Say = std::function<void(const std::string&)>;

  Deployer(ReleaseStore& store, ServiceRestarter& restarter, Say say, int keep = kKeepReleases)
      : store_(store), restarter_(restarter), say_(std::move(say)), keep_(keep) {}

  DeployResult deploy(const ReleaseContent& content, std::chrono::system_clock::time_point now,
                      const std::string& user);
  // Back to `id`, or to the release before the current one. Throws Failure(kExitUsage) when
  // there is no such release.
  DeployResult rollback(const std::optional<std::string>& id);

 private:
  DeployResult activate(const std::string& id, bool prune_after);
  void wait_for_supervisor();
  DeployResult redeploy(const std::string& id);
  void say(const std::string& line) const {
    if (say_) say_(line);
  }

  ReleaseStore& store_;
  ServiceRestarter& restarter_;
  Say say_;
  int keep_;
};

}  // namespace pharoctl
