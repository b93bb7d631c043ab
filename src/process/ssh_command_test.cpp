#include "process/ssh_command.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

#include "process/run_command.hpp"

namespace pharoctl {
namespace {

TEST(SshCommand, OptionsAreSplitByTheShellAndArgumentsPassedAsTheyAre) {
  // printf stands in for ssh: the command's own words split, the arguments kept whole.
  RunRequest req;
  req.argv = ssh_argv("printf '[%s]' -p 2222", {"--", "a b", "it's"});
  req.merge_stderr = false;
  RunResult r = run_command(req);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.output, "[-p][2222][--][a b][it's]");
}

TEST(SshCommand, EnvironmentOrSsh) {
  ::unsetenv("PHAROCTL_SSH");
  EXPECT_EQ(ssh_command_from_environment(), "ssh");
  ::setenv("PHAROCTL_SSH", "", 1);
  EXPECT_EQ(ssh_command_from_environment(), "ssh");
  ::setenv("PHAROCTL_SSH", "ssh -p 2222", 1);
  EXPECT_EQ(ssh_command_from_environment(), "ssh -p 2222");
  ::unsetenv("PHAROCTL_SSH");
}

}  // namespace
}  // namespace pharoctl
