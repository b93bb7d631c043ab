#include "supervise/restart_tracker.hpp"

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

using std::chrono::milliseconds;

RestartConfig cfg(int max = 10) {
  RestartConfig c;
  c.backoff_initial = milliseconds(200);
  c.backoff_max = milliseconds(3000);
  c.max = max;
  c.window = milliseconds(600'000);
  return c;
}

TEST(RestartTracker, BackoffDoublesUpToTheMaximum) {
  RestartTracker t(cfg());
  SteadyTime now{};
  std::vector<long> delays;
  for (int i = 0; i < 7; ++i) {
    auto d = t.on_end(now, false, false);
    ASSERT_TRUE(d.restart);
    delays.push_back(d.delay.count());
    now += d.delay;
  }
  EXPECT_EQ(delays, (std::vector<long>{200, 400, 800, 1600, 3000, 3000, 3000}));
}

TEST(RestartTracker, FailedAfterMaxRestartsWithinTheWindow) {
  RestartTracker t(cfg(3));
  SteadyTime now{};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(t.on_end(now, false, false).restart);
  auto d = t.on_end(now, false, false);
  EXPECT_FALSE(d.restart);
  EXPECT_TRUE(d.failed);
  EXPECT_NE(d.reason.find("3 restarts"), std::string::npos) << d.reason;
}

TEST(RestartTracker, OldRestartsLeaveTheWindow) {
  RestartTracker t(cfg(2));
  SteadyTime now{};
  EXPECT_TRUE(t.on_end(now, false, false).restart);
  EXPECT_TRUE(t.on_end(now, false, false).restart);
  now += milliseconds(600'000);
  EXPECT_EQ(t.restarts_in_window(now), 0);
  EXPECT_TRUE(t.on_end(now, false, false).restart);
}

TEST(RestartTracker, HealthyStretchResetsTheBackoff) {
  RestartTracker t(cfg());
  SteadyTime now{};
  t.on_end(now, false, false);
  t.on_end(now, false, false);
  EXPECT_EQ(t.consecutive_failures(), 2);
  t.on_healthy(now);
  now += milliseconds(2999);
  t.on_healthy(now);
  EXPECT_EQ(t.consecutive_failures(), 2);  // not long enough
  now += milliseconds(1);
  t.on_healthy(now);
  EXPECT_EQ(t.consecutive_failures(), 0);
  EXPECT_EQ(t.on_end(now, false, false).delay, milliseconds(200));
}

TEST(RestartTracker, Policies) {
  RestartConfig c = cfg();
  c.policy = RestartPolicy::Never;
  EXPECT_FALSE(RestartTracker(c).on_end({}, false, false).restart);
  EXPECT_TRUE(RestartTracker(c).on_end({}, false, true).restart);  // replaced for health
  c.policy = RestartPolicy::OnFailure;
  EXPECT_FALSE(RestartTracker(c).on_end({}, true, false).restart);
  EXPECT_TRUE(RestartTracker(c).on_end({}, false, false).restart);
}

TEST(RestartTracker, OperatorResetForgetsFailures) {
  RestartTracker t(cfg(1));
  EXPECT_TRUE(t.on_end({}, false, false).restart);
  EXPECT_TRUE(t.on_end({}, false, false).failed);
  t.reset();
  EXPECT_TRUE(t.on_end({}, false, false).restart);
}

}  // namespace
}  // namespace pharoctl
