#include "cli/command_line.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pharoctl::cli {
namespace {

// A command whose exit code is how many commands the tree holds when it runs.
Runner count_commands(CLI::App& cmd, const Globals&) {
  cmd.add_option("name", "a positional");
  return [&cmd] { return static_cast<int>(cmd.get_parent()->get_subcommands({}).size()); };
}

const CommandSpec kTable[] = {
    {"start", "s", count_commands, ""},
    {"stop", "s", count_commands, ""},
    {"status", "s", count_commands, ""},
    {"help", "h", count_commands, "", TreeNeed::Whole},
};

int run(std::vector<std::string> words) {
  words.insert(words.begin(), "pharoctl");
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  return run_command_line(kTable, static_cast<int>(argv.size()), argv.data());
}

TEST(CommandLine, BuildsOnlyTheCommandTheLineNamesUnlessItReadsTheTree) {
  EXPECT_EQ(run({"start", "shop"}), 1);
  EXPECT_EQ(run({"--home", "/tmp/h", "stop", "shop"}), 1);  // a global option's value is no command
  EXPECT_EQ(run({"--home", "status", "status"}), 1);
  EXPECT_EQ(run({"-q", "status", "--json"}), 1);
  EXPECT_EQ(run({"help"}), 4);
  EXPECT_EQ(run({"--home=/tmp/h", "help", "start"}), 4);
}

}  // namespace
}  // namespace pharoctl::cli
