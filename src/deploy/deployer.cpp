#include "deploy/deployer.hpp"

#include <fmt/format.h>

#include "deploy/deploy_lock.hpp"
#include "util/failure.hpp"

namespace pharoctl {

namespace {

std::string lock_file(const ReleaseStore& store) { return (store.paths().run() / "deploy.lock").string(); }

}  // namespace

// A deploy whose CLI died goes on in the supervisor: its switch and gate end before this one
// touches `current` or cleans anything.
void Deployer::wait_for_supervisor() {
  if (restarter_.running()) restarter_.wait_idle([this](const std::string& line) { say(line); });
}

DeployResult Deployer::deploy(const ReleaseContent& content, std::chrono::system_clock::time_point now,
                              const std::string& user) {
  DeployLock lock(lock_file(store_), [&] { say("waiting for another deploy of " + store_.paths().name() + " to end"); });
  wait_for_supervisor();
  if (int n = store_.clean_leftovers(); n > 0) say(fmt::format("removed {} leftover(s) of an interrupted deploy", n));
  if (std::optional<std::string> same = store_.find_same(content)) return redeploy(*same);
  std::string id = store_.create(content, now, user);
  say(fmt::format("release {} created ({} {})", id, content.origin,
                  content.origin == "image" ? content.origin_path : content.build_key));
  return activate(id, true);
}

// The same build and app files as an existing release: no new release. On the current one
// there is nothing to do; an older one is switched to like a rollback.
DeployResult Deployer::redeploy(const std::string& id) {
  if (store_.current() == id) {
    DeployResult r;
    r.ok = true;
    r.release = r.active = id;
    r.previous = id;
    say(fmt::format("release {} already has this build and these app files: nothing to deploy", id));
    return r;
  }
  say(fmt::format("release {} has this build and these app files: switching to it", id));
  return activate(id, false);
}

DeployResult Deployer::rollback(const std::optional<std::string>& id) {
  DeployLock lock(lock_file(store_), [&] { say("waiting for another deploy of " + store_.paths().name() + " to end"); });
  wait_for_supervisor();
  store_.clean_leftovers();
  std::string target;
  if (id) {
    if (!store_.exists(*id)) {
      throw usage_error(fmt::format("release '{}' of {} does not exist (`pharoctl releases {}` lists them)", *id,
                                    store_.paths().name(), store_.paths().name()));
    }
    target = *id;
  } else {
    std::optional<std::string> cur = store_.current();
    if (!cur) throw usage_error(fmt::format("{} has no current release to roll back from", store_.paths().name()));
    std::optional<std::string> prev = store_.previous(cur);
    if (!prev) {
      throw usage_error(fmt::format("{} has no release before {} to roll back to", store_.paths().name(), *cur));
    }
    target = *prev;
  }
  if (store_.current() == target) {
    DeployResult r;
    r.ok = true;
    r.release = r.active = target;
    r.previous = target;
    say(fmt::format("{} is already on release {}", store_.paths().name(), target));
    return r;
  }
  return activate(target, false);
}

DeployResult Deployer::activate(const std::string& id, bool prune_after) {
  DeployResult r;
  r.release = id;
  r.previous = store_.current();
  if (r.previous && !store_.exists(*r.previous)) r.previous.reset();  // a dangling link is not a release

  if (restarter_.running()) {
    say(fmt::format("current -> releases/{}; the supervisor restarts the instances one at a time, each must pass "
                    "health before the next",
                    id));
    GateOutcome g = restarter_.gated_switch(id, r.previous);
    r.restarted = true;
    r.instances = g.gate.instances;
    for (const InstanceRestart& i : g.gate.instances) say(fmt::format("instance {}: {}", i.instance, i.detail));
    if (!g.gate.ok) {
      r.reason = g.gate.reason.empty() ? "an instance did not become healthy" : g.gate.reason;
      r.log_tail = g.gate.log_tail;
      std::optional<std::string> now_on = store_.current();
      r.active = now_on.value_or("");
      if (g.switched_back) {
        say(r.previous ? fmt::format("health gate failed: current -> releases/{} again", *r.previous)
                       : std::string("health gate failed: no previous release, current removed (the runtime's base image)"));
        for (const InstanceRestart& i : g.back.instances)
          say(fmt::format("instance {} (previous release): {}", i.instance, i.detail));
        if (!g.back.ok) {
          r.reason += "; restarting on the previous release failed too: " +
                      (g.back.reason.empty() ? std::string("an instance did not become healthy") : g.back.reason);
        }
      }
      return r;
    }
    r.active = id;
  } else {
    store_.switch_to(id);
    r.active = id;
    say(fmt::format("current -> releases/{}", id));
    say(fmt::format("{} is not running: it starts on this release", store_.paths().name()));
  }
  r.ok = true;
  if (prune_after) {
    r.pruned = store_.prune(keep_, r.previous);
    for (const std::string& gone : r.pruned) say("removed old release " + gone);
  }
  return r;
}

}  // namespace pharoctl
