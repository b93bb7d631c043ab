// pharoctl logs [NAME[@I]] [-f] [-n N]: the supervisor's daily files and the image's server-*.log,
// interleaved by time; -f follows, across the midnight switch to the next day's files. Without
// a name, every service of the home, each line labelled, as `pm2 logs` shows all processes.
#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "neoconsole/console_target.hpp"
#include "neoconsole/log_lines.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

namespace {

std::vector<neoconsole::LogSource> sources_for(const Home& home, const std::vector<neoconsole::ConsoleTarget>& targets,
                                               bool label) {
  std::vector<neoconsole::LogSource> out;
  for (const auto& t : targets) {
    ServicePaths paths = home.service(t.name);
    std::string stem = paths.instance_stem(t.instance, t.count);
    // The image's files: the pattern handed to NeoConsoleTranscript, "logs/server[.I]-{1}.log".
    std::string pattern = paths.server_log_pattern(t.instance, t.count);
    std::filesystem::path image_pattern = paths.dir() / pattern;
    std::string image_prefix = image_pattern.filename().string();
    image_prefix = image_prefix.substr(0, image_prefix.find("{1}"));
    out.push_back({paths.logs(), stem + "-", label ? stem : ""});
    out.push_back({image_pattern.parent_path(), image_prefix, label ? stem : ""});
  }
  return out;
}

void print_lines(const std::vector<neoconsole::LogSource>& sources, const std::vector<neoconsole::LogLine>& lines) {
  for (const auto& l : lines) {
    std::string text = neoconsole::format_log_line(sources[l.source], l);
    text += '\n';
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  std::fflush(stdout);
}

}  // namespace

Runner define_logs(CLI::App& cmd, const Globals& globals) {
  struct Options {
    std::string target;
    bool follow = false;
    int lines = 10;
  };
  auto o = std::make_shared<Options>();
  cmd.add_option("target", o->target, "NAME (every instance) or NAME@I (default: every service)");
  cmd.add_flag("-f,--follow", o->follow, "Keep printing lines as they are written, across midnight");
  cmd.add_option("-n,--lines", o->lines, "How many of the last lines to show first (default 10)")
      ->check(CLI::Range(0, 100000000));
  return [&globals, o]() -> int {
    Home home = globals.resolve_home();
    std::vector<neoconsole::ConsoleTarget> targets;
    if (!o->target.empty()) {
      targets = neoconsole::resolve_instances(home, o->target);
    } else {
      for (const std::string& name : home.service_names()) {
        // One broken service.toml does not hide the others' logs.
        try {
          auto each = neoconsole::resolve_instances(home, name);
          targets.insert(targets.end(), each.begin(), each.end());
        } catch (const Failure& f) {
          fmt::print(stderr, "pharoctl: logs: {} left out: {}\n", name, f.what());
        }
      }
      if (targets.empty()) throw usage_error(fmt::format("no services in {} (`pharoctl new NAME` creates one)", home.root().string()));
    }
    auto sources = sources_for(home, targets, targets.size() > 1 || o->target.empty());
    std::vector<neoconsole::FilePosition> positions;
    print_lines(sources, neoconsole::tail_logs(sources, static_cast<size_t>(o->lines), positions));
    if (!o->follow) return kExitOk;
    // Polling the directory: it sees the next day's file appear without a clock of its own, and
    // a quarter second is quick enough for a person watching.
    for (;;) {
      std::vector<neoconsole::LogLine> fresh;
      for (size_t i = 0; i < sources.size(); ++i) neoconsole::read_new_lines(sources[i], i, positions[i], fresh);
      if (!fresh.empty()) {
        neoconsole::interleave(fresh);
        print_lines(sources, fresh);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  };
}

}  // namespace pharoctl::cli
