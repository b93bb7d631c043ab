#include "cli/suggest.hpp"

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

const std::vector<std::string> kCommands = {"install", "runtimes", "new",   "build",  "builds", "deploy",
                                            "start",   "stop",     "status", "logs",  "repl",   "eval",
                                            "restart", "reload",   "releases", "rollback", "help"};

TEST(Suggest, EditDistanceCountsATranspositionAsOne) {
  EXPECT_EQ(edit_distance("statsu", "status"), 1u);
  EXPECT_EQ(edit_distance("status", "status"), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("deplyo", "deploy"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Suggest, NamesTheNearestCommand) {
  EXPECT_EQ(did_you_mean("statsu", kCommands), " (did you mean 'status'?)");
  EXPECT_EQ(did_you_mean("deplyo", kCommands), " (did you mean 'deploy'?)");
  EXPECT_EQ(did_you_mean("rpel", kCommands), " (did you mean 'repl'?)");
}

TEST(Suggest, APrefixNamesEveryCommandItStarts) {
  EXPECT_EQ(nearest_words("sta", kCommands), (std::vector<std::string>{"start", "status"}));
  EXPECT_EQ(did_you_mean("rel", kCommands), " (did you mean 'reload' or 'releases'?)");
}

TEST(Suggest, NothingNearSaysNothing) {
  EXPECT_EQ(did_you_mean("frobnicate", kCommands), "");
  EXPECT_EQ(did_you_mean("", kCommands), "");
}

}  // namespace
}  // namespace pharoctl
