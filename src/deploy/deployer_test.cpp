#include "deploy/deployer.hpp"

#include <algorithm>
#include <deque>

#include <gtest/gtest.h>

#include "deploy/release_source.hpp"
#include "util/atomic_file.hpp"
#include "util/scratch_directory.hpp"
#include "util/failure.hpp"

namespace fs = std::filesystem;
using namespace pharoctl;

namespace {

// Stands in for the supervisor: records which release `current` named at each restart, and
// answers with the outcomes queued by the test.
class FakeRestarter : public ServiceRestarter {
 public:
  explicit FakeRestarter(const ServicePaths& p) : paths(p) {}
  bool running() override { return is_running; }
  RestartOutcome rolling_restart() override {
    std::error_code ec;
    seen.push_back(fs::read_symlink(paths.current(), ec).filename().string());
    if (outcomes.empty()) return RestartOutcome{true, "", "", {{0, true, "healthy"}, {1, true, "healthy"}}};
    RestartOutcome o = outcomes.front();
    outcomes.pop_front();
    return o;
  }
  // What the supervisor does for a deploy: switch, roll; on failure switch back and roll again.
  GateOutcome gated_switch(const std::string& release, const std::optional<std::string>& previous) override {
    ReleaseStore store(paths);
    store.switch_to(release);
    GateOutcome g;
    g.gate = rolling_restart();
    if (!g.gate.ok) {
      if (previous)
        store.switch_to(*previous);
      else
        store.clear_current();
      g.switched_back = true;
      g.back = rolling_restart();
    }
    return g;
  }
  void wait_idle(const std::function<void(const std::string&)>& waiting) override {
    if (busy && waiting) waiting("waiting for the deploy in progress to end");
    ++idle_waits;
  }
  ServicePaths paths;
  bool is_running = true;
  bool busy = false;
  int idle_waits = 0;
  std::deque<RestartOutcome> outcomes;
  std::vector<std::string> seen;
};

class DeployerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    paths.emplace(root / "shop", "shop");
    fs::path b = paths->builds() / "k1";
    fs::create_directories(b);
    write_file_atomic(b / "shop.image", "image");
    write_file_atomic(b / "shop.changes", "changes");
    write_file_atomic(b / "P.sources", "sources");
    store.emplace(*paths);
    fake.emplace(*paths);
  }

  DeployResult deploy(std::time_t t) {
    Deployer d(*store, *fake, [this](const std::string& l) { said.push_back(l); });
    // Each deploy carries other app files (as after an edit of app.st), so each makes a release.
    ReleaseContent c = content_from_build(*paths, "shop", "k1");
    c.app_hash = std::to_string(t);
    return d.deploy(c, std::chrono::system_clock::from_time_t(t), "bob");
  }

  ScratchDirectory scratch{"deployer"};
  const fs::path root = scratch.path();
  std::optional<ServicePaths> paths;
  std::optional<ReleaseStore> store;
  std::optional<FakeRestarter> fake;
  std::vector<std::string> said;
};

}  // namespace

TEST_F(DeployerTest, StoppedServiceIsOnlySwitched) {
  fake->is_running = false;
  DeployResult r = deploy(100);
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.restarted);
  EXPECT_EQ(store->current(), r.release);
  EXPECT_TRUE(fake->seen.empty());
}

TEST_F(DeployerTest, RunningServiceRestartsOnTheNewRelease) {
  DeployResult first = deploy(100);
  DeployResult second = deploy(200);
  EXPECT_TRUE(second.ok);
  EXPECT_TRUE(second.restarted);
  EXPECT_EQ(second.previous, first.release);
  EXPECT_EQ(fake->seen, (std::vector<std::string>{first.release, second.release}));
  EXPECT_EQ(store->current(), second.release);
}

TEST_F(DeployerTest, FailedHealthSwitchesBackAndRestartsOnThePrevious) {
  DeployResult first = deploy(100);
  fake->outcomes.push_back(RestartOutcome{false, "instance 0 not healthy within 1s", "out boom\n",
                                          {{0, false, "not healthy within 1s"}}});
  DeployResult r = deploy(200);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "instance 0 not healthy within 1s");
  EXPECT_EQ(r.log_tail, "out boom\n");
  EXPECT_EQ(r.active, first.release);
  EXPECT_EQ(store->current(), first.release);
  // Restarted onto the new release, then back onto the previous one.
  EXPECT_EQ(fake->seen, (std::vector<std::string>{first.release, r.release, first.release}));
  EXPECT_TRUE(r.pruned.empty());
}

TEST_F(DeployerTest, FailedFirstDeployLeavesNoCurrent) {
  fake->outcomes.push_back(RestartOutcome{false, "bad", "", {}});
  DeployResult r = deploy(100);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(store->current());
  EXPECT_FALSE(fs::is_symlink(paths->current()));
}

TEST_F(DeployerTest, KeepsFiveAndNeverTheOneThatWasLive) {
  fake->is_running = false;
  std::vector<std::string> ids;
  for (int i = 1; i <= 7; ++i) ids.push_back(deploy(100 * i).release);
  EXPECT_EQ(store->list().size(), 5u);
  EXPECT_EQ(store->list().front(), ids[2]);
  EXPECT_EQ(store->current(), ids[6]);
}

TEST_F(DeployerTest, RollbackGoesToThePreviousOrTheNamedRelease) {
  DeployResult a = deploy(100), b = deploy(200), c = deploy(300);
  Deployer d(*store, *fake, nullptr);
  DeployResult r = d.rollback(std::nullopt);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(store->current(), b.release);
  r = d.rollback(a.release);
  EXPECT_EQ(store->current(), a.release);
  EXPECT_EQ(fake->seen.back(), a.release);
  try {
    d.rollback(std::nullopt);  // nothing before the oldest
    FAIL();
  } catch (const Failure& f) {
    EXPECT_EQ(f.exit_code(), kExitUsage);
  }
  EXPECT_THROW(d.rollback(std::string("20990101T000000Z-zz")), Failure);
  EXPECT_EQ(store->current(), a.release);
  // A rollback whose health gate fails goes back to where it was.
  fake->outcomes.push_back(RestartOutcome{false, "unhealthy", "", {}});
  r = d.rollback(c.release);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(store->current(), a.release);
}

TEST_F(DeployerTest, WaitsForTheSupervisorBeforeTouchingAnything) {
  fake->busy = true;
  DeployResult r = deploy(100);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(fake->idle_waits, 1);
  EXPECT_NE(std::find(said.begin(), said.end(), "waiting for the deploy in progress to end"), said.end());
}

TEST_F(DeployerTest, SameBuildAndAppFilesMakeNoNewRelease) {
  Deployer d(*store, *fake, nullptr);
  ReleaseContent c = content_from_build(*paths, "shop", "k1");
  c.app_hash = "same";
  DeployResult a = d.deploy(c, std::chrono::system_clock::from_time_t(100), "bob");
  DeployResult b = d.deploy(c, std::chrono::system_clock::from_time_t(200), "bob");
  EXPECT_TRUE(b.ok);
  EXPECT_EQ(b.release, a.release);
  EXPECT_EQ(store->list(), std::vector<std::string>{a.release});
}

TEST_F(DeployerTest, NextDeployCleansWhatAnInterruptedOneLeft) {
  DeployResult a = deploy(100);
  fs::create_directories(paths->releases() / ".staging-19700101T000200Z-k1-4242");
  fs::create_symlink("releases/nowhere", paths->dir() / ".current.tmp-4242-0badc0de");
  DeployResult b = deploy(200);
  EXPECT_TRUE(b.ok);
  EXPECT_FALSE(fs::exists(paths->releases() / ".staging-19700101T000200Z-k1-4242"));
  EXPECT_FALSE(fs::is_symlink(paths->dir() / ".current.tmp-4242-0badc0de"));
  EXPECT_EQ(store->list(), (std::vector<std::string>{a.release, b.release}));
}
