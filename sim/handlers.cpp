#include "handlers.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "vm.hpp"

namespace sim {
namespace {
bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
// A name ending in `suffix` after at least one character of its own (".st" alone names nothing).
bool named_with_suffix(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string read_all(std::istream& in) {
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void print_help() {
  std::printf(
      "Usage: [<subcommand>] [--help] [--copyright] [--version] [--list] [--no-quit] [--no-default-preferences] \n"
      "\t--help                   print this help message\n"
      "\t--copyright              print the copyrights\n"
      "\t--version                print the version for the image and the vm\n"
      "\t--list                   list a description of all active command line handlers\n"
      "\t--no-quit                keep the image running without activating any other command line handler\n"
      "\t<subcommand>             a valid subcommand in --list\n\n"
      "Documentation:\n"
      "A DefaultCommandLineHandler handles default command line arguments and options.\n"
      "The DefaultCommandLineHandler is activated before all other handlers.\n\n"
      "Active handlers (pharo-sim): save st eval metacello config clean printVersion\n");
  std::fflush(stdout);
}

// Runs code and turns the image's errors into its death (PharoDebug.log, exit 1).
template <typename F>
void guarded(Vm& vm, const std::string& where, F&& body) {
  try {
    body();
  } catch (const SyntaxError& e) {
    vm.die_of("SyntaxErrorNotification", e.what(), fmt::format("{}:{}: syntax error", where, e.line));
  } catch (const SmalltalkError& e) {
    vm.die_of(e.smalltalk_class, e.message_text, where);
  } catch (const Unsupported& e) {
    vm.die_of("Error", fmt::format("pharo-sim cannot evaluate this ({})", e.what()), where);
  }
}

[[noreturn]] void quit(Vm& vm, int code) { vm.quit(code); std::abort(); }

void run_st(Vm& vm, const std::vector<std::string>& args, bool& stay) {
  bool save = false, do_quit = false;
  std::vector<std::string> files;
  for (const auto& a : args) {
    if (a == "--save") save = true;
    else if (a == "--quit") do_quit = true;
    else if (a == "--no-source" || a == "--verbose") continue;
    else files.push_back(a);
  }
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) vm.die_of("FileDoesNotExistException", fmt::format("File does not exist: {}", f), "STCommandLineHandler>>installSourceFile:");
    std::string text = read_all(in);
    guarded(vm, f, [&] {
      std::lock_guard<std::mutex> lock(vm.image_lock());
      vm.interpreter().run_script(text, f);
    });
  }
  if (save) vm.snapshot(true, false);
  if (do_quit) quit(vm, 0);
  stay = true;
}

void run_eval(Vm& vm, const std::vector<std::string>& args, bool& stay) {
  bool save = false, no_quit = false;
  std::string expr;
  bool have_expr = false;
  for (const auto& a : args) {
    if (a == "--save") save = true;
    else if (a == "--no-quit") no_quit = true;
    else {
      expr += (have_expr ? " " : "") + a;
      have_expr = true;
    }
  }
  if (!have_expr) expr = read_all(std::cin);
  guarded(vm, "EvaluateCommandLineHandler>>evaluate:", [&] {
    Value v;
    {
      std::lock_guard<std::mutex> lock(vm.image_lock());
      v = vm.interpreter().evaluate(expr);
    }
    std::printf("%s\n", print_string(v).c_str());
    std::fflush(stdout);
  });
  if (save) vm.snapshot(true, false);
  if (!no_quit) quit(vm, 0);
  stay = true;
}

void run_metacello(Vm& vm, const std::vector<std::string>& args, bool& stay) {
  if (args.empty() || args[0] != "install" || args.size() < 3) {
    std::printf("Usage: metacello install <repository url> <baseline|configuration> [--groups=<group names>] [--no-quit] [--no-save]\n");
    quit(vm, 1);
  }
  MetacelloLoad load;
  load.repository = args[1];
  std::string project = args[2];
  if (starts_with(project, "BaselineOf")) load.baseline = project.substr(10);
  else if (starts_with(project, "ConfigurationOf")) load.configuration = project.substr(15);
  else vm.die_of("Error", fmt::format("{} is neither a BaselineOf nor a ConfigurationOf (the prefix is required)", project), "MetacelloCommandLineHandler>>install");
  bool no_quit = false, no_save = false;
  for (size_t i = 3; i < args.size(); ++i) {
    if (starts_with(args[i], "--groups=")) {
      std::string list = args[i].substr(9);
      for (size_t s = 0; s <= list.size();) {
        size_t c = list.find(',', s);
        std::string g = list.substr(s, c == std::string::npos ? std::string::npos : c - s);
        if (!g.empty()) load.groups.push_back(g);
        if (c == std::string::npos) break;
        s = c + 1;
      }
    } else if (args[i] == "--no-quit") no_quit = true;
    else if (args[i] == "--no-save") no_save = true;
  }
  guarded(vm, "MetacelloCommandLineHandler>>install", [&] { vm.metacello_load(load); });
  if (!no_save) vm.snapshot(true, false);
  if (!no_quit) quit(vm, 0);
  stay = true;
}

void run_save(Vm& vm, const std::vector<std::string>& args) {
  if (args.empty()) {
    std::printf("Usage: save <imageBaseName> [--delete-old]\n");
    quit(vm, 1);
  }
  std::string name = args[0];
  if (named_with_suffix(name, ".image")) name = name.substr(0, name.size() - 6);
  std::filesystem::path target = vm.image_path().parent_path() / (name + ".image");
  vm.save_as(target);
  if (args.size() > 1 && args[1] == "--delete-old" && std::filesystem::absolute(target) != std::filesystem::absolute(vm.image_path())) {
    std::filesystem::path changes = vm.image_path();
    changes.replace_extension(".changes");
    std::error_code ec;
    std::filesystem::remove(vm.image_path(), ec);
    std::filesystem::remove(changes, ec);
  }
  quit(vm, 0);
}

// A kernel image (as the real Pharo 8 bootstrap kernel of shared/real-pharo) has no compiler,
// hence no st, eval, metacello or config handler. What it prints then, byte for byte where it
// matters: the default handler's help and "Command line handler failed" in ANSI red on stderr,
// `Invalid arguments: "ARGS"` followed by an unterminated ESC [ on stdout; exit 1.
[[noreturn]] void refuse_like_a_kernel(Vm& vm, const std::vector<std::string>& args) {
  std::string joined;
  for (const auto& a : args) joined += (joined.empty() ? "" : " ") + a;
  // The real image's stdout is flushed at exit: stderr comes first in a merged pipe.
  std::fprintf(stderr,
               "Please comment me using the following template inspired by Class Responsibility Collaborator (CRC) "
               "design:\n\n    Implementation Points\n\x1b[31mCommand line handler failed\n\x1b[0m");
  std::fflush(stderr);
  std::printf("Invalid arguments: \"%s\"\x1b[\n", joined.c_str());
  std::fflush(stdout);
  quit(vm, 1);
}

bool kernel_lacks(Vm& vm, const std::string& handler) {
  if (!vm.state().data.value("kernel", false)) return false;
  return handler == "st" || handler == "eval" || handler == "metacello" || handler == "config" ||
         named_with_suffix(handler, ".st");
}

}  // namespace

void run_image_arguments(Vm& vm, const std::vector<std::string>& args) {
  if (args.empty()) {
    print_help();
    quit(vm, 0);
  }
  const std::string& handler = args[0];
  if (kernel_lacks(vm, handler)) refuse_like_a_kernel(vm, args);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  bool stay = false;
  if (handler == "st") run_st(vm, rest, stay);
  else if (named_with_suffix(handler, ".st")) run_st(vm, args, stay);
  else if (handler == "eval") run_eval(vm, rest, stay);
  else if (handler == "metacello") run_metacello(vm, rest, stay);
  else if (handler == "save") run_save(vm, rest);
  else if (handler == "printVersion") {
    std::printf("%s\n", vm.image_version().c_str());
    quit(vm, 0);
  } else if (handler == "clean") {
    vm.snapshot(true, true);
  } else if (handler == "config") {
    if (std::atoi(vm.state().pharo_version.c_str()) >= 130) vm.die_of("Error", "config: command line handler not found (removed in Pharo 13)", "CommandLineHandler");
    MetacelloLoad load;
    load.repository = rest.empty() ? "" : rest[0];
    load.configuration = rest.size() > 1 && starts_with(rest[1], "ConfigurationOf") ? rest[1].substr(15) : "";
    guarded(vm, "ConfigurationCommandLineHandler>>install", [&] { vm.metacello_load(load); });
    vm.snapshot(true, true);
  } else if (handler == "--no-quit") {
    stay = true;
  } else if (handler == "--help" || handler == "--list") {
    print_help();
    quit(vm, 0);
  } else if (handler == "--version") {
    std::printf("%s\n", vm.image_version().c_str());
    quit(vm, 0);
  } else {
    std::fprintf(stderr, "Command line handler not found for '%s'\n", handler.c_str());
    print_help();
    quit(vm, 1);
  }
  (void)stay;
}

}  // namespace sim
