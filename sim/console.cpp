#include "console.hpp"

#include <fmt/format.h>

#include "faults.hpp"
#include "metrics.hpp"

namespace sim {
namespace {
constexpr size_t kOutputLimit = 16384;

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

std::string argument_of(const std::string& line, const std::string& prefix) {
  std::string rest = line.substr(std::min(line.size(), prefix.size()));
  size_t b = rest.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = rest.find_last_not_of(" \t");
  return rest.substr(b, e - b + 1);
}

struct CommandInfo {
  const char* prefix;
  const char* class_name;
  const char* help;
};

// The commands in the order help lists them.
const std::vector<CommandInfo>& commands() {
  static const std::vector<CommandInfo> list = {
      {"add", "NeoConsoleAddCommand", "add <class> [class]\nmulti-line: compiles the method source that follows into the class (or its metaclass)"},
      {"describe", "NeoConsoleDescribeCommand", "describe (or =)\nshows the last result: its printString, its class and its instance variables"},
      {"eval", "NeoConsoleEvalCommand", "eval <expression> (the default command)\nmulti-line: evaluates the lines up to an empty line and prints the result"},
      {"get", "NeoConsoleGetCommand", "get [<metric>|<pattern>]\nwithout argument lists the known metrics, else answers a metric's value or the matching metrics"},
      {"halt", "NeoConsoleHaltCommand", "halt\nquits the image without saving"},
      {"help", "NeoConsoleHelpCommand", "help [<command>] (or ?)\nlists the commands or shows a command's help"},
      {"history", "NeoConsoleHistoryCommand", "history [all|clear|<n>] (or !, !! for the last)\nshows the last 10 inputs, all of them, clears them or re-runs one"},
      {"quit", "NeoConsoleQuitCommand", "quit (or Ctrl-D)\nends this session"},
      {"save", "NeoConsoleSaveCommand", "save\nsaves the image"},
      {"show", "NeoConsoleShowCommand", "show <class>[>>#<selector>]\nshows a class definition or a method's source"},
  };
  return list;
}
}  // namespace

bool Console::is_multi_line(const std::string& line) {
  if (starts_with(line, "add")) return true;
  for (const auto& c : commands())
    if (starts_with(line, c.prefix)) return std::string(c.prefix) == "eval";
  if (starts_with(line, "=") || starts_with(line, "!") || starts_with(line, "?") || starts_with(line, "sim.") || line[0] == '\x04')
    return false;
  return true;  // the default command, eval
}

std::string Console::help(const std::string& arg) {
  if (!arg.empty()) {
    for (const auto& c : commands()) {
      if (arg == c.prefix) {
        std::string text = c.class_name;
        std::string body = c.help;
        size_t start = 0;
        while (start <= body.size()) {
          size_t nl = body.find('\n', start);
          text += "\n  " + body.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
          if (nl == std::string::npos) break;
          start = nl + 1;
        }
        return text + "\n";
      }
    }
    return fmt::format("unknown command <{}>", arg);
  }
  std::string out = "help <command>\nknown commands are:";
  for (const auto& c : commands()) out += fmt::format("\n  {}{}", c.prefix, std::string(c.prefix) == "eval" ? " DEFAULT" : "");
  return out;
}

Console::Reply Console::eval(const std::string& source) {
  std::string text = source;
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.pop_back();
  {
    std::lock_guard<std::mutex> lock(mu_);
    history_.push_back(text);
  }
  EvalOutcome outcome = backend_.evaluate(text);
  if (outcome.ok) {
    std::lock_guard<std::mutex> lock(mu_);
    last_describe_ = outcome.describe;
  }
  std::string out = outcome.print;
  if (out.size() >= kOutputLimit) out = out.substr(0, kOutputLimit) + " ... (truncated) ...";
  return {out, false};
}

std::string Console::get(const std::string& arg) {
  Metrics& metrics = backend_.metrics();
  auto render = [](const std::vector<std::pair<std::string, std::string>>& list) {
    std::string out;
    for (size_t i = 0; i < list.size(); ++i) out += fmt::format("{}  {} - {}", i ? "\n" : "", list[i].first, list[i].second);
    return out;
  };
  if (arg.empty()) return "known metrics:\n" + render(metrics.known());
  if (auto v = metrics.value(arg)) return *v;
  std::vector<std::pair<std::string, std::string>> matching;
  std::string needle = arg;
  needle.erase(std::remove(needle.begin(), needle.end(), '*'), needle.end());
  for (const auto& m : metrics.known())
    if (m.first.find(needle) != std::string::npos) matching.push_back(m);
  if (matching.empty()) return fmt::format("NotFound: metric named '{}' not found", arg);
  return "matching metrics:\n" + render(matching);
}

std::string Console::history(const std::string& arg, bool* rerun, std::string* rerun_input) {
  std::lock_guard<std::mutex> lock(mu_);
  if (arg == "clear") {
    history_.clear();
    return "";
  }
  if (!arg.empty() && std::all_of(arg.begin(), arg.end(), ::isdigit)) {
    size_t n = static_cast<size_t>(std::atoll(arg.c_str()));
    if (n < 1 || n > history_.size()) return fmt::format("history index out of range: {}", arg);
    *rerun = true;
    *rerun_input = history_[n - 1];
    return "";
  }
  size_t first = arg == "all" || history_.size() <= 10 ? 0 : history_.size() - 10;
  std::string out;
  for (size_t i = first; i < history_.size(); ++i) {
    std::string one = history_[i];
    for (char& c : one)
      if (c == '\r' || c == '\n') c = ' ';
    out += fmt::format("{}{}: {}", out.empty() ? "" : "\n", i + 1, one);
  }
  return out;
}

std::string Console::sim_command(const std::string& line, bool* close) {
  Faults& faults = backend_.faults();
  std::string arg = line.find(' ') == std::string::npos ? "" : argument_of(line, line.substr(0, line.find(' ')));
  std::string cmd = line.substr(0, line.find(' '));
  if (cmd == "sim.crash") Faults::crash();
  if (cmd == "sim.exit") Faults::exit_now(std::atoi(arg.c_str()));
  if (cmd == "sim.hang") {
    faults.hang();
    faults.block_if_hung();
  }
  if (cmd == "sim.unhealthy") {
    faults.set_health(arg == "status" ? Health::StatusNotOk : Health::Http500);
    return arg == "status" ? "system.status now answers a non-OK status" : "metrics now answer HTTP 500";
  }
  if (cmd == "sim.healthy") {
    faults.set_health(Health::Ok);
    return "metrics healthy again";
  }
  if (cmd == "sim.slowstart") {
    backend_.set_slow_start(std::atof(arg.c_str()));
    return fmt::format("later starts of this image wait {} s before the startup script", arg.empty() ? "0" : arg);
  }
  if (cmd == "sim.flood") {
    size_t bytes = static_cast<size_t>(std::atoll(arg.c_str()));
    Faults::flood(bytes);
    return fmt::format("wrote {} bytes to stdout", bytes);
  }
  if (cmd == "sim.leak") {
    size_t bytes = static_cast<size_t>(std::atoll(arg.c_str()));
    faults.leak(bytes);
    return fmt::format("allocated {} bytes", bytes);
  }
  *close = false;
  return "sim commands: sim.crash sim.hang sim.unhealthy [status] sim.healthy sim.slowstart SECONDS sim.exit N sim.flood BYTES sim.leak BYTES";
}

Console::Reply Console::execute(const std::string& input) {
  std::string line = input.substr(0, input.find('\r'));
  if (line.empty() || line[0] == '\x04' || starts_with(line, "quit")) return {"Bye!", true};
  if (starts_with(line, "help") || starts_with(line, "?")) return {help(argument_of(line, line[0] == '?' ? "?" : "help")), false};
  if (starts_with(line, "history") || starts_with(line, "!")) {
    bool rerun = false;
    std::string again;
    std::string arg = line == "!!" ? "last" : argument_of(line, line[0] == '!' ? "!" : "history");
    if (arg == "last") {
      std::lock_guard<std::mutex> lock(mu_);
      if (!history_.empty()) {
        rerun = true;
        again = history_.back();
      }
    }
    std::string out = arg == "last" ? "" : history(arg, &rerun, &again);
    if (rerun) return eval(again);
    return {out, false};
  }
  if (starts_with(line, "describe") || starts_with(line, "=")) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out;
    for (const auto& l : last_describe_) out += l + "\n";
    return {out, false};
  }
  if (starts_with(line, "get")) return {get(argument_of(line, "get")), false};
  if (starts_with(line, "save")) {
    backend_.save_image();
    return {"Image saved.", false};
  }
  if (starts_with(line, "halt")) {
    backend_.halt();
    return {"", true};
  }
  if (starts_with(line, "show")) return {backend_.show(argument_of(line, "show")), false};
  if (starts_with(line, "add")) {
    std::string cls = argument_of(line, "add");
    size_t cr = input.find('\r');
    return {backend_.add_method(cls, cr == std::string::npos ? "" : input.substr(cr + 1)), false};
  }
  if (starts_with(line, "sim.")) {
    bool close = false;
    return {sim_command(line, &close), close};
  }
  return eval(starts_with(line, "eval") ? input.substr(4) : input);
}

}  // namespace sim
