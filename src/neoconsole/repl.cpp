#include "neoconsole/repl.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "neoconsole/console_client.hpp"
#include "neoconsole/console_input.hpp"
#include "neoconsole/line_editor.hpp"
#include "neoconsole/metrics_client.hpp"
#include "util/failure.hpp"

namespace pharoctl::neoconsole {

std::string main_prompt(const std::string& name) { return name + "> "; }
std::string continuation_prompt(const std::string& name) { return std::string(name.size(), '.') + "> "; }

namespace {

void print_answer(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// Asks on the terminal; anything but y/yes is no.
bool confirm(LineEditor& editor, const std::string& command, const std::string& input) {
  std::string first = trim(input.substr(0, input.find('\n')));
  std::string what = command == "save" ? "saves the image" : "quits the image without saving";
  std::string prompt = first == command
                           ? fmt::format("'{}' {}. Send it? [y/N] ", command, what)
                           : fmt::format("'{}' starts with '{}': NeoConsole runs its {} command, which {}. Send it? [y/N] ",
                                         first, command, command, what);
  LineEditor::Line answer = editor.read(prompt);
  std::string a = trim(answer.text);
  return answer.kind == LineEditor::Line::Text && (a == "y" || a == "Y" || a == "yes");
}

}  // namespace

int run_repl(ConsoleClient& client, LineEditor& editor, const std::string& name) {
  std::vector<MetricInfo> metrics;
  bool metrics_known = false;
  editor.set_completer([&](const std::string& before) -> std::vector<std::string> {
    std::string t = trim(before);
    bool first_word = before.find_first_of(" \t") == std::string::npos;
    if (first_word) return command_names();
    if (before.rfind("help ", 0) == 0 || before.rfind("? ", 0) == 0) return command_names();
    if (before.rfind("get ", 0) == 0) {
      if (!metrics_known) {
        try {
          metrics = parse_known_metrics(client.request(wire_form(InputKind::Command, "get"), Clock::now() + std::chrono::seconds(5), true).text);
          metrics_known = true;
        } catch (...) {
          return {};
        }
      }
      std::vector<std::string> names;
      for (const auto& m : metrics) names.push_back(m.name);
      return names;
    }
    return {};
  });

  std::string input;
  for (;;) {
    LineEditor::Line line = editor.read(input.empty() ? main_prompt(name) : continuation_prompt(name));
    if (line.kind == LineEditor::Line::EndOfInput) {
      std::fputs("\n", stdout);
      return kExitOk;
    }
    if (line.kind == LineEditor::Line::Interrupted) {
      input.clear();
      continue;
    }
    input += input.empty() ? line.text : "\n" + line.text;
    InputKind kind = classify(input);
    if (kind == InputKind::Empty) {
      input.clear();
      continue;
    }
    if (kind == InputKind::Eval && is_incomplete(input)) continue;
    // `add Class` takes method source up to an empty line.
    if (kind == InputKind::Method && !trim(line.text).empty()) continue;

    std::string text = input;
    input.clear();
    editor.remember(text);
    std::optional<std::string> destructive = destructive_command(text);
    if (destructive && !confirm(editor, *destructive, text)) {
      std::fputs("Not sent.\n", stdout);
      continue;
    }
    bool quitting = kind == InputKind::Command && trim(text).rfind("quit", 0) == 0;
    try {
      Answer answer = client.request(wire_form(kind, text), std::nullopt, !destructive);
      print_answer(answer.text);
      if (answer.closed && quitting) return kExitOk;
      if (answer.closed) std::fputs("(the image closed the session)\n", stdout);
    } catch (const ConsoleClient::Cancelled&) {
      std::fputs("\nInterrupted: the answer is dropped (the image may still be working on it).\n", stdout);
    } catch (const Failure& f) {
      if (quitting) return kExitOk;
      std::fflush(stdout);
      fmt::print(stderr, "pharoctl: {}\n", f.what());
    }
    std::fflush(stdout);
  }
}

}  // namespace pharoctl::neoconsole
