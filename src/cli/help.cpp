// pharoctl help [COMMAND]: the same text as `pharoctl [COMMAND] --help`, the way git and
// kubectl users ask for it.
#include <fmt/format.h>

#include "cli/command_tree.hpp"
#include "cli/commands.hpp"
#include "cli/suggest.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

Runner define_help(CLI::App& cmd, const Globals&) {
  auto command = std::make_shared<std::string>();
  cmd.add_option("command", *command, "The command to explain (default: all of pharoctl)")->type_name("COMMAND");
  const CLI::App* root = cmd.get_parent();
  return [command, root]() -> int {
    if (command->empty()) {
      // Not root->help(): CLI11 hands that to the parsed subcommand, which is this one.
      fmt::print("{}", root->get_formatter()->make_help(root, root->get_name(), CLI::AppFormatMode::Normal));
      return kExitOk;
    }
    for (const CLI::App* sub : root->get_subcommands({})) {
      if (sub->get_name() == *command) {
        fmt::print("{}", sub->help(root->get_name()));
        return kExitOk;
      }
    }
    throw usage_error(fmt::format("help: unknown command '{}'{}; `pharoctl help` lists the commands", *command,
                                  did_you_mean(*command, tree::visible_command_names(*root))));
  };
}

}  // namespace pharoctl::cli
