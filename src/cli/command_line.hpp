#pragma once
// The command line around the table of commands: global options accepted before and after the
// command, `pharoctl: ` on every error with the nearest command or option named, help in our
// format, and --ssh handing the whole command to the pharoctl of another machine.
#include <span>

#include "cli/command.hpp"

namespace pharoctl::cli {

int run_command_line(std::span<const CommandSpec> commands, int argc, char** argv);

}  // namespace pharoctl::cli
