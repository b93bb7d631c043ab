#include "process/run_command.hpp"

#include <gtest/gtest.h>

#include "util/failure.hpp"

namespace pharoctl {
namespace {

using namespace std::chrono_literals;

TEST(RunCommand, CapturesMergedOutputAndExitCode) {
  RunRequest req;
  req.argv = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3"};
  RunResult r = run_command(req);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.output.find("out\n"), std::string::npos);
  EXPECT_NE(r.output.find("err\n"), std::string::npos);
  EXPECT_EQ(r.describe(), "exit status 3");
}

TEST(RunCommand, LinesCwdAndEnvironment) {
  RunRequest req;
  req.argv = {"/bin/sh", "-c", "pwd; echo \"$PHAROCTL_T1\"; echo \"${HOME:-unset}\"; printf tail"};
  req.cwd = "/tmp";
  req.env.set("PHAROCTL_T1", "value one");
  req.env.unset("HOME");
  std::vector<std::string> lines;
  req.on_output = [&](const std::string* line) {
    if (line) lines.push_back(*line);
  };
  RunResult r = run_command(req);
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_EQ(lines, (std::vector<std::string>{"/tmp", "value one", "unset", "tail"}));
}

TEST(RunCommand, GrandchildHoldingThePipeDoesNotDelayTheResult) {
  RunRequest req;
  req.argv = {"/bin/sh", "-c", "sleep 5 & echo done"};
  RunResult r = run_command(req);
  EXPECT_TRUE(r.ok());
  EXPECT_LT(r.elapsed, 4s);
}

TEST(RunCommand, MissingProgramIsAClearFailure) {
  RunRequest req;
  req.argv = {"/nonexistent/pharo-vm/pharo", "--version"};
  try {
    run_command(req);
    FAIL();
  } catch (const Failure& f) {
    EXPECT_NE(std::string(f.what()).find("/nonexistent/pharo-vm/pharo"), std::string::npos);
  }
}

TEST(RunCommand, KeepsOnlyTheTail) {
  RunRequest req;
  req.argv = {"/bin/sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo line$i; i=$((i+1)); done"};
  req.keep_tail = 100;
  RunResult r = run_command(req);
  EXPECT_LE(r.output.size(), 100u);
  EXPECT_NE(r.output.find("line1999"), std::string::npos);
  EXPECT_EQ(last_lines(r.output, 2), "line1998\nline1999");
}

}  // namespace
}  // namespace pharoctl
