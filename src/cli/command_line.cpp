#include "cli/command_line.hpp"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command_tree.hpp"
#include "cli/help_formatter.hpp"
#include "cli/remote_command.hpp"
#include "cli/suggest.hpp"
#include "cli/version.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

namespace {

std::string indent_lines(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\n' ? std::string("\n  ") : std::string(1, c);
  return out;
}

// The first word on the line that is no global option nor a global option's value: what the
// user meant as the command. Empty when there is none.
std::string first_command_word(const CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") return i + 1 < argc ? argv[i + 1] : "";
    if (a.empty() || a[0] != '-') return a;
    if (a.find('=') != std::string::npos) continue;
    const CLI::Option* o = app.get_option_no_throw(a);
    if (o != nullptr && o->get_items_expected_max() > 0) ++i;  // its value
  }
  return "";
}

const CLI::App* parsed_command(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->parsed()) return sub;
  }
  return nullptr;
}

// One line per error, prefixed like every other pharoctl error, naming what was probably meant.
int report_parse_error(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const CLI::App* cmd = parsed_command(app);
  if (cmd == nullptr) {
    std::string word = first_command_word(app, argc, argv);
    if (word.empty()) {
      if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr || dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
        fmt::print(stderr, "pharoctl: a command is required (`pharoctl help` lists them)\n");
      } else {
        fmt::print(stderr, "pharoctl: {} (`pharoctl help` lists the options and commands)\n", e.what());
      }
      return kExitUsage;
    }
    fmt::print(stderr, "pharoctl: unknown command '{}'{}; `pharoctl help` lists the commands\n", word,
               did_you_mean(word, tree::visible_command_names(app)));
    return kExitUsage;
  }
  std::string name = cmd->get_name();
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    std::vector<std::string> extras = cmd->remaining();
    std::vector<std::string> root_extras = app.remaining();
    extras.insert(extras.end(), root_extras.begin(), root_extras.end());
    for (const std::string& x : extras) {
      if (x.size() > 1 && x[0] == '-') {
        std::string bare = x.substr(0, x.find('='));
        fmt::print(stderr, "pharoctl {}: unknown option '{}'{}; see `pharoctl help {}`\n", name, bare,
                   did_you_mean(bare, tree::accepted_spellings(*cmd)), name);
        return kExitUsage;
      }
    }
    if (!extras.empty()) {
      fmt::print(stderr, "pharoctl {}: unexpected argument '{}'; see `pharoctl help {}`\n", name, extras.front(), name);
      return kExitUsage;
    }
  }
  fmt::print(stderr, "pharoctl {}: {}; see `pharoctl help {}`\n", name, e.what(), name);
  return kExitUsage;
}

void add_global_options(CLI::App& app, Globals& globals, std::string& ssh) {
  app.add_option("--home", globals.home, "The pharoctl home (default $PHARO_HOME, else ~/pharo)")->type_name("DIR");
  app.add_flag("--json", globals.json, "Machine-readable JSON output");
  app.add_flag("-q,--quiet", globals.quiet, "Only errors (not with -v)");
  app.add_flag("-v,--verbose", globals.verbose, "More detail (not with -q)");
  app.add_flag("--no-color", globals.no_color, "No colours, even on a terminal (also NO_COLOR=1)");
  app.add_option("--ssh", ssh, "Run the command with the pharoctl of USER@HOST, over ssh")->type_name("USER@HOST");
}

// The command `word` names when it is built alone, else nullptr (build them all).
const CommandSpec* named_command(std::span<const CommandSpec> commands, const std::string& word) {
  for (const CommandSpec& spec : commands) {
    if (word == spec.name) return spec.tree == TreeNeed::Own ? &spec : nullptr;
  }
  return nullptr;
}

int run_runner(const Runner& runner) {
  try {
    return runner();
  } catch (const Failure& f) {
    std::fflush(stdout);
    fmt::print(stderr, "pharoctl: {}\n", f.what());
    return f.exit_code();
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "pharoctl: {}\n", e.what());
    return kExitFailed;
  }
}

}  // namespace

int run_command_line(std::span<const CommandSpec> commands, int argc, char** argv) {
  CLI::App app{"pharoctl: run Pharo Smalltalk servers in production", "pharoctl"};
  app.formatter(make_help_formatter());
  app.require_subcommand(1);
  // Inherited by every subcommand added below: an option the command does not know goes to the
  // root, so `pharoctl status --json` works as systemctl, kubectl and docker users expect.
  app.fallthrough();
  app.set_version_flag("--version", [] { return version_text(); }, "Print version and build facts, then exit");
  Globals globals;
  std::string ssh;  // USER@HOST: the command runs there, with that host's pharoctl
  add_global_options(app, globals, ssh);

  // Only the command the line names is built: defining all 33 (their options, validators,
  // callbacks) was a third of a short command's start-up. Every command is built when there is
  // no known command word (root help, `did you mean`) or the command reads the whole tree.
  const CommandSpec* named = named_command(commands, first_command_word(app, argc, argv));
  std::map<const CLI::App*, Runner> runners;
  for (const CommandSpec& spec : commands) {
    if (named != nullptr && &spec != named) continue;
    CLI::App* sub = app.add_subcommand(spec.name, spec.summary);
    if (*spec.examples) sub->footer(std::string("Examples:\n  ") + indent_lines(spec.examples));
    runners[sub] = spec.define(*sub, globals);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return report_parse_error(app, e, argc, argv);
  }
  if (globals.quiet && globals.verbose) {
    fmt::print(stderr, "pharoctl: -q/--quiet and -v/--verbose contradict each other: give one\n");
    return kExitUsage;
  }
  const CLI::App* cmd = parsed_command(app);
  if (cmd == nullptr) return kExitUsage;
  if (!ssh.empty()) {
    return run_runner([&] { return run_remote_command(ssh, remote_arguments(app, *cmd, argc, argv)); });
  }
  return run_runner(runners.at(cmd));
}

}  // namespace pharoctl::cli
