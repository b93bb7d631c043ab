#pragma once
// A restart, reload or deploy in progress: which instances are replaced in which order, what
// each replacement came to, and the one answer its client gets at the end (the ROLLOUT of
// docs/control-protocol.md). Sequential (reload, deploy): one instance at a time, stopping at
// the first failure; parallel (restart): every instance at once. A deploy carries its health
// gate: when the forward pass fails the supervisor switches `current` back and runs the way
// back as a rollout of its own, whose answer is the forward pass's failure with `back` inside.
// The supervisor drives it (replacing VMs); this is the bookkeeping, free of any system call.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pharoctl {

struct DeployPlan {
  std::string release;
  std::optional<std::string> previous;
  bool switching_back = false;
  nlohmann::json gate_results = nlohmann::json::array();  // of the forward pass, once it failed
  std::string gate_error;
  int gate_failed_instance = -1;
};

// How one instance's replacement ended.
struct ReplacementResult {
  int instance = 0;
  bool ok = false;
  int pid = 0;
  double seconds = 0;
  std::string image;
  std::string detail;  // "healthy" or why not
};

struct Rollout {
  int client = -1;  // -1: nobody waits for the answer (SIGHUP's reload)
  std::optional<DeployPlan> deploy;
  std::string cmd;
  bool sequential = true;
  std::vector<int> queue;
  size_t next = 0;
  std::set<int> pending;
  nlohmann::json results = nlohmann::json::array();
  bool failed = false;
  std::string error;
  int failed_instance = -1;

  // Of instance `instance` (-1: each of the `count` instances, in index order).
  static Rollout of(int client, std::string cmd, int instance, int count, bool sequential,
                    std::optional<DeployPlan> deploy = std::nullopt);
  // Sequential: the next instance to replace when none is pending (now pending), nullopt when
  // the queue is done. Parallel: every queued instance, the first time (all pending).
  std::optional<int> take_next();
  std::vector<int> take_all();
  // Records how `r.instance` ended; the first failure names the rollout's error. Returns true
  // when the rollout is over with it (a failure of a sequential one, the last of a parallel).
  bool record(const ReplacementResult& r);
  // The forward pass's outcome becomes the deploy's gate result: what follows is the way back.
  void become_switch_back();
  // The rollout back onto the previous release after a failed deploy gate.
  Rollout switch_back(int count) const;
  // The answer for the client.
  nlohmann::json answer() const;
  // What `status` shows while it runs: "reload", "deploy of R: health gate", ...
  std::string describe() const;
};

}  // namespace pharoctl
