#include "supervise/rollout.hpp"

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

ReplacementResult good(int i) { return {i, true, 100 + i, 0.1, "/img", "healthy"}; }
ReplacementResult bad(int i, const std::string& why = "not healthy within the grace of 2s") {
  return {i, false, 100 + i, 2.0, "/img", why};
}

TEST(Rollout, SequentialGoesOneInstanceAtATimeInIndexOrder) {
  Rollout r = Rollout::of(7, "reload", -1, 3, true);
  EXPECT_EQ(r.take_next(), 0);
  EXPECT_EQ(r.take_next(), std::nullopt);  // 0 still pending
  EXPECT_FALSE(r.record(good(0)));
  EXPECT_EQ(r.take_next(), 1);
  EXPECT_FALSE(r.record(good(1)));
  EXPECT_EQ(r.take_next(), 2);
  EXPECT_FALSE(r.record(good(2)));
  EXPECT_EQ(r.take_next(), std::nullopt);  // done: the caller finishes it
  nlohmann::json a = r.answer();
  EXPECT_TRUE(a["ok"]);
  EXPECT_EQ(a["results"].size(), 3u);
  EXPECT_FALSE(a.contains("error"));
  EXPECT_EQ(a["results"][1]["pid"], 101);
  EXPECT_EQ(a["results"][1]["detail"], "healthy");
}

TEST(Rollout, SequentialStopsAtTheFirstFailureNamingIt) {
  Rollout r = Rollout::of(7, "reload", -1, 3, true);
  r.take_next();
  r.record(good(0));
  r.take_next();
  EXPECT_TRUE(r.record(bad(1)));
  nlohmann::json a = r.answer();
  EXPECT_FALSE(a["ok"]);
  EXPECT_EQ(a["instance"], 1);
  EXPECT_EQ(a["error"], "instance 1: not healthy within the grace of 2s");
  EXPECT_EQ(a["results"].size(), 2u);  // instance 2 was never reached
}

TEST(Rollout, ParallelTakesEveryInstanceAndEndsWithTheLast) {
  Rollout r = Rollout::of(7, "restart", -1, 3, false);
  EXPECT_EQ(r.take_all(), (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(r.record(bad(1, "the new VM exited")));  // the others still run
  EXPECT_FALSE(r.record(good(0)));
  EXPECT_TRUE(r.record(good(2)));
  nlohmann::json a = r.answer();
  EXPECT_FALSE(a["ok"]);
  EXPECT_EQ(a["instance"], 1);
}

TEST(Rollout, OfOneInstance) {
  Rollout r = Rollout::of(7, "restart", 2, 4, false);
  EXPECT_EQ(r.queue, (std::vector<int>{2}));
}

TEST(Rollout, ADeployNamesWhatCurrentIs) {
  DeployPlan plan;
  plan.release = "r2";
  plan.previous = "r1";
  Rollout r = Rollout::of(7, "deploy", -1, 1, true, plan);
  EXPECT_EQ(r.describe(), "deploy of r2: health gate");
  r.take_next();
  r.record(good(0));
  EXPECT_EQ(r.answer()["current"], "r2");
}

TEST(Rollout, AFailedGateSwitchesBackAndAnswersAboutTheForwardPass) {
  DeployPlan plan;
  plan.release = "r2";
  Rollout r = Rollout::of(7, "deploy", -1, 2, true, plan);
  r.take_next();
  r.record(bad(0));
  Rollout back = r.switch_back(2);
  EXPECT_EQ(back.client, 7);
  EXPECT_EQ(back.queue, (std::vector<int>{0, 1}));
  EXPECT_EQ(back.describe(), "deploy of r2: switching back to the base image");
  back.take_next();
  back.record(good(0));
  back.take_next();
  back.record(good(1));
  nlohmann::json a = back.answer();
  EXPECT_FALSE(a["ok"]);
  EXPECT_TRUE(a["switched_back"]);
  EXPECT_TRUE(a["current"].is_null());  // no previous release: the base image
  EXPECT_EQ(a["instance"], 0);
  EXPECT_EQ(a["error"], "instance 0: not healthy within the grace of 2s");
  EXPECT_EQ(a["results"].size(), 1u);
  EXPECT_TRUE(a["back"]["ok"]);
  EXPECT_EQ(a["back"]["results"].size(), 2u);
}

}  // namespace
}  // namespace pharoctl
