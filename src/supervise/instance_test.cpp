#include "supervise/instance.hpp"

#include <gtest/gtest.h>

#include "supervise/fake_clock.hpp"

namespace pharoctl {
namespace {

using std::chrono::milliseconds;

HealthConfig health(Millis interval = Millis(10'000), int retries = 3, Millis grace = Millis(120'000)) {
  HealthConfig h;
  h.interval = interval;
  h.retries = retries;
  h.grace = grace;
  return h;
}

RestartConfig restart_now() {
  RestartConfig r;
  r.backoff_initial = Millis(0);
  return r;
}

HealthResult refused() { return {false, 0, "connection refused", {}}; }
HealthResult ok() { return {true, 1, "200 OK", {}}; }

struct Started {
  FakeClock clock{WallTime{}};
  HealthConfig h = health();
  Instance inst{restart_now()};
  Started() {
    inst.spawning();
    inst.vm_started(std::make_unique<Vm>(), clock.steady(), h);
  }
};

TEST(Instance, AStartedVmIsStartingAndProbedAtOnce) {
  Started s;
  EXPECT_EQ(s.inst.state, "starting");
  EXPECT_TRUE(s.inst.probe_due(s.clock.steady(), s.h.retries));
  EXPECT_EQ(s.inst.next_deadline(s.h), s.clock.steady());
  EXPECT_EQ(s.inst.restarts, 0);  // the first spawn is no restart
}

TEST(Instance, AStartingVmIsProbedEvery250usWhileYoungThenAtAnEighthOfItsAgeUpTo25ms) {
  Started s;
  std::vector<long> gaps;  // microseconds
  for (int i = 0; i < 120; ++i) {
    EXPECT_EQ(s.inst.on_health(refused(), s.clock.steady(), s.h), HealthStep::NotYet);
    auto gap = std::chrono::duration_cast<std::chrono::microseconds>(s.inst.next_probe - s.clock.steady());
    gaps.push_back(gap.count());
    s.clock.advance(gap);
  }
  // 250 us while younger than 20 ms (80 probes), then an eighth of the age (2.5 ms at 20 ms),
  // growing to 25 ms.
  EXPECT_EQ(std::vector<long>(gaps.begin(), gaps.begin() + 80), std::vector<long>(80, 250));
  EXPECT_EQ(gaps[80], 2500);
  EXPECT_EQ(gaps[81], 2812);  // 22.5 ms / 8
  EXPECT_EQ(gaps.back(), 25'000);
  for (size_t i = 1; i < gaps.size(); ++i) EXPECT_GE(gaps[i], gaps[i - 1]);
  EXPECT_EQ(s.inst.state, "starting");
  EXPECT_EQ(s.inst.reason, "not healthy yet: connection refused");
  EXPECT_EQ(s.inst.health_failures, 0);  // failures while starting are the grace's business
  EXPECT_EQ(start_probe_gap(Millis(80), Millis(5)), Millis(5));  // never beyond [health].interval
  EXPECT_EQ(start_probe_gap(Millis(1), Millis(5)), std::chrono::microseconds(250));
}

TEST(Instance, AStartingVmKeepsTheFirstOfARunOfIdenticalRefusals) {
  Started s;
  auto at = [](int ms) { return HealthResult{false, 0.1, "connection refused", WallTime{} + milliseconds(ms)}; };
  s.inst.on_health(at(1), s.clock.steady(), s.h);
  s.inst.on_health(at(2), s.clock.steady(), s.h);
  s.inst.on_health(at(3), s.clock.steady(), s.h);
  ASSERT_TRUE(s.inst.last_health);
  EXPECT_EQ(s.inst.last_health->at, WallTime{} + milliseconds(1));  // what status and run/status show
  HealthResult other{false, 0.2, "HTTP 503", WallTime{} + milliseconds(4)};
  s.inst.on_health(other, s.clock.steady(), s.h);
  EXPECT_EQ(s.inst.last_health->detail, "HTTP 503");
  s.inst.on_health(at(5), s.clock.steady(), s.h);
  EXPECT_EQ(s.inst.last_health->at, WallTime{} + milliseconds(5));
  // The next VM's first refusal is its own, not the previous VM's.
  s.inst.vm_started(std::make_unique<Vm>(), s.clock.steady(), s.h);
  s.inst.on_health(at(9), s.clock.steady(), s.h);
  EXPECT_EQ(s.inst.last_health->at, WallTime{} + milliseconds(9));
  // A healthy VM's failed probes are each recorded.
  s.inst.on_health(ok(), s.clock.steady(), s.h);
  s.inst.on_health(at(10), s.clock.steady(), s.h);
  s.inst.on_health(at(11), s.clock.steady(), s.h);
  EXPECT_EQ(s.inst.last_health->at, WallTime{} + milliseconds(11));
}

TEST(Instance, HealthyThenProbedAtTheInterval) {
  Started s;
  EXPECT_EQ(s.inst.on_health(ok(), s.clock.steady(), s.h), HealthStep::BecameHealthy);
  EXPECT_EQ(s.inst.state, "running");
  EXPECT_TRUE(s.inst.reason.empty());
  EXPECT_EQ(s.inst.next_probe, s.clock.steady() + s.h.interval);
  EXPECT_EQ(s.inst.on_health(ok(), s.clock.steady(), s.h), HealthStep::None);
}

TEST(Instance, FailedProbesOfAHealthyVmComeAtTheRetryGapAndReplaceItAtTheLast) {
  Started s;
  s.inst.on_health(ok(), s.clock.steady(), s.h);
  EXPECT_EQ(s.inst.on_health(refused(), s.clock.steady(), s.h), HealthStep::Failed);
  EXPECT_EQ(s.inst.state, "unhealthy");
  EXPECT_EQ(s.inst.reason, "health failed 1 of 3: connection refused");
  EXPECT_EQ(s.inst.next_probe, s.clock.steady() + retry_gap(s.h));
  EXPECT_EQ(retry_gap(s.h), Millis(1000));
  EXPECT_EQ(s.inst.on_health(refused(), s.clock.steady(), s.h), HealthStep::Failed);
  EXPECT_EQ(s.inst.on_health(refused(), s.clock.steady(), s.h), HealthStep::Replace);
  EXPECT_TRUE(s.inst.vm->forced);  // counts as a failure for [restart]
}

TEST(Instance, AnUnhealthyVmThatAnswersIsRunningAgain) {
  Started s;
  s.inst.on_health(ok(), s.clock.steady(), s.h);
  s.inst.on_health(refused(), s.clock.steady(), s.h);
  EXPECT_EQ(s.inst.on_health(ok(), s.clock.steady(), s.h), HealthStep::HealthyAgain);
  EXPECT_EQ(s.inst.state, "running");
  EXPECT_EQ(s.inst.health_failures, 0);
}

TEST(Instance, LateProbesOverlapOnlyWhenRunningAndUpToRetries) {
  Started s;
  s.inst.probes.push_back(std::make_unique<HealthProbe>());
  s.inst.late_at = s.clock.steady() + milliseconds(1000);
  EXPECT_FALSE(s.inst.may_overlap(s.h.retries));  // starting: one probe at a time
  s.inst.state = "running";
  EXPECT_TRUE(s.inst.may_overlap(s.h.retries));
  EXPECT_FALSE(s.inst.probe_due(s.clock.steady(), s.h.retries));
  s.clock.advance(milliseconds(1000));
  EXPECT_TRUE(s.inst.probe_due(s.clock.steady(), s.h.retries));
  s.inst.probes.push_back(std::make_unique<HealthProbe>());
  s.inst.probes.push_back(std::make_unique<HealthProbe>());
  EXPECT_FALSE(s.inst.probe_due(s.clock.steady(), s.h.retries));
}

TEST(Instance, TheGraceEndsAStartingVmOnly) {
  Started s;
  s.h = health(Millis(10'000), 3, Millis(2000));
  s.inst.vm_started(std::make_unique<Vm>(), s.clock.steady(), s.h);
  s.clock.advance(milliseconds(1999));
  EXPECT_FALSE(s.inst.grace_over(s.clock.steady(), s.h));
  s.clock.advance(milliseconds(1));
  EXPECT_TRUE(s.inst.grace_over(s.clock.steady(), s.h));
  s.inst.on_health(ok(), s.clock.steady(), s.h);
  EXPECT_FALSE(s.inst.grace_over(s.clock.steady(), s.h));
}

TEST(Instance, StoppingDropsProbesAndAWaitingRestart) {
  Started s;
  s.inst.probes.push_back(std::make_unique<HealthProbe>());
  s.inst.restart_at = s.clock.steady();
  s.inst.stopping(After::Stay);
  EXPECT_EQ(s.inst.state, "stopping");
  EXPECT_TRUE(s.inst.probes.empty());
  EXPECT_FALSE(s.inst.restart_at);
  EXPECT_EQ(s.inst.after, After::Stay);
  s.inst.vm->term_sent = true;
  s.inst.vm->kill_at = s.clock.steady() + milliseconds(500);
  EXPECT_EQ(s.inst.on_health(ok(), s.clock.steady(), s.h), HealthStep::None);  // no longer probed
  EXPECT_FALSE(s.inst.kill_due(s.clock.steady()));
  EXPECT_EQ(s.inst.next_deadline(s.h), s.inst.vm->kill_at);
  s.clock.advance(milliseconds(500));
  EXPECT_TRUE(s.inst.kill_due(s.clock.steady()));
}

TEST(Instance, ACrashRestartsAtOnceThenBacksOff) {
  Started s;
  RestartConfig rc;
  rc.backoff_initial = Millis(200);
  rc.backoff_max = Millis(1000);
  s.inst.tracker.set_config(rc);
  s.inst.vm_ended(ExitInfo{true, 9});
  EndOutcome end = s.inst.on_end(s.clock.steady(), "killed by SIGKILL", false, false, true, false);
  EXPECT_EQ(end.step, EndStep::Backoff);
  EXPECT_EQ(s.inst.state, "backoff");
  EXPECT_EQ(s.inst.restart_at, s.clock.steady() + Millis(200));
  EXPECT_EQ(s.inst.reason, "killed by SIGKILL; restart 1 in 200ms");
  EXPECT_FALSE(s.inst.backoff_over(s.clock.steady(), false));
  s.clock.advance(milliseconds(200));
  EXPECT_TRUE(s.inst.backoff_over(s.clock.steady(), false));
  EXPECT_FALSE(s.inst.backoff_over(s.clock.steady(), true));  // not while stopping
  s.inst.spawning();
  EXPECT_EQ(s.inst.restarts, 1);
  EXPECT_FALSE(s.inst.restart_at);
}

TEST(Instance, NoBackoffMeansAtOnceButNotWhileStopping) {
  Started s;
  s.inst.vm_ended(ExitInfo{true, 9});
  EXPECT_EQ(s.inst.on_end(s.clock.steady(), "x", false, false, true, false).step, EndStep::RestartNow);
  EXPECT_EQ(s.inst.on_end(s.clock.steady(), "x", false, false, true, true).step, EndStep::Backoff);
  // A spawn that failed (ended false) waits at least for the loop: never at once.
  EXPECT_EQ(s.inst.on_end(s.clock.steady(), "x", false, false, false, false).step, EndStep::Backoff);
}

TEST(Instance, TooManyRestartsFail) {
  Started s;
  RestartConfig rc = restart_now();
  rc.max = 2;
  s.inst.tracker.set_config(rc);
  EndOutcome end;
  for (int i = 0; i < 3; ++i) end = s.inst.on_end(s.clock.steady(), "exit status 1", false, false, true, false);
  EXPECT_EQ(end.step, EndStep::Failed);
  EXPECT_EQ(s.inst.state, "failed");
  EXPECT_NE(s.inst.reason.find("last: exit status 1"), std::string::npos) << s.inst.reason;
}

TEST(Instance, ACleanExitUnderOnFailureStays) {
  Started s;
  RestartConfig rc = restart_now();
  rc.policy = RestartPolicy::OnFailure;
  s.inst.tracker.set_config(rc);
  EndOutcome end = s.inst.on_end(s.clock.steady(), "exit status 0", true, false, true, false);
  EXPECT_EQ(end.step, EndStep::Stopped);
  EXPECT_EQ(s.inst.state, "stopped");
  EXPECT_NE(s.inst.reason.find("exit status 0; not restarted: "), std::string::npos) << s.inst.reason;
}

}  // namespace
}  // namespace pharoctl
