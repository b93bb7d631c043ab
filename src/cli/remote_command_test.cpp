#include "cli/remote_command.hpp"

#include <gtest/gtest.h>

namespace pharoctl::cli {
namespace {

// The root and two commands as pharoctl has them: global --home/--ssh, repl with its own --ssh.
struct Tree {
  CLI::App root{"test", "pharoctl"};
  std::string home, ssh, repl_ssh, target;
  std::vector<std::string> names;
  CLI::App* status;
  CLI::App* repl;
  Tree() {
    root.fallthrough();
    root.add_option("--home", home);
    root.add_option("--ssh", ssh);
    root.add_flag("--json");
    status = root.add_subcommand("status");
    status->add_option("names", names);
    repl = root.add_subcommand("repl");
    repl->add_option("target", target);
    repl->add_option("--ssh", repl_ssh);
  }
  std::vector<std::string> remote(std::vector<std::string> args, const CLI::App& cmd) {
    std::vector<char*> argv{const_cast<char*>("pharoctl")};
    for (auto& a : args) argv.push_back(a.data());
    return remote_arguments(root, cmd, static_cast<int>(argv.size()), argv.data());
  }
};

TEST(RemoteArguments, DropTheGlobalSshWhereverItStands) {
  Tree t;
  using V = std::vector<std::string>;
  EXPECT_EQ(t.remote({"--ssh", "u@h", "--json", "status", "shop"}, *t.status), (V{"--json", "status", "shop"}));
  EXPECT_EQ(t.remote({"status", "shop", "--ssh", "u@h"}, *t.status), (V{"status", "shop"}));
  EXPECT_EQ(t.remote({"--ssh=u@h", "--home", "/srv/pharo", "status"}, *t.status), (V{"--home", "/srv/pharo", "status"}));
  // A value that looks like the command is the option's value, not the command.
  EXPECT_EQ(t.remote({"--home", "status", "status", "--ssh", "u@h"}, *t.status), (V{"--home", "status", "status"}));
  // After --, everything is an argument.
  EXPECT_EQ(t.remote({"--ssh", "u@h", "status", "--", "--ssh"}, *t.status), (V{"status", "--", "--ssh"}));
}

TEST(RemoteArguments, ACommandsOwnSshAfterItsNameStays) {
  Tree t;
  using V = std::vector<std::string>;
  EXPECT_EQ(t.remote({"--ssh", "u@h", "repl", "shop", "--ssh", "other@x"}, *t.repl), (V{"repl", "shop", "--ssh", "other@x"}));
}

TEST(RemoteCommandLine, QuotesEveryWordForTheRemoteShell) {
  EXPECT_EQ(remote_command_line("pharoctl", {"eval", "shop", "'it''s' size"}),
            "pharoctl eval shop ''\\''it'\\'''\\''s'\\'' size'");
}

}  // namespace
}  // namespace pharoctl::cli
