#pragma once
// The shape of a command: `define` adds the command's options to its CLI11 subcommand and
// returns the Runner that does the work once parsing succeeded. Runners return the exit code or
// throw Failure.
#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "service/home.hpp"

namespace pharoctl {

// The global options of DESIGN.md section 2, shared by every command.
struct Globals {
  std::optional<std::string> home;
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  bool no_color = false;

  Home resolve_home() const { return Home::resolve(home); }
  // Colours only on a terminal, never with --no-color or NO_COLOR.
  bool color(int fd) const;
};

using Runner = std::function<int()>;
using Definer = Runner (*)(CLI::App& command, const Globals& globals);

// What of the command tree a command needs built to run: its own subcommand, or every command's
// (help, completion and the man page are made from the whole tree).
enum class TreeNeed { Own, Whole };

struct CommandSpec {
  const char* name;
  const char* summary;
  Definer define;
  const char* examples;  // shown under --help and in the man page, one per line
  TreeNeed tree = TreeNeed::Own;
};

// A runner for a command that is not built yet: says so plainly and fails.
Runner not_implemented(const std::string& command);

}  // namespace pharoctl
