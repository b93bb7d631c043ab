#include "neoconsole/console_input.hpp"

#include <array>
#include <regex>

namespace pharoctl::neoconsole {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view first_line(std::string_view text) {
  size_t start = 0;
  // Leading empty lines do not count: the REPL never sends them.
  while (start < text.size()) {
    size_t eol = text.find('\n', start);
    std::string_view line = text.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start);
    if (!trim(line).empty()) return line;
    if (eol == std::string_view::npos) break;
    start = eol + 1;
  }
  return {};
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t eol = text.find('\n', start);
    out.push_back(std::string(text.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start)));
    if (eol == std::string_view::npos) break;
    start = eol + 1;
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The console's single-line commands and aliases, in the server's dispatch order; the server
// takes the first one the line starts with.
constexpr std::array<std::string_view, 11> kSingleLine = {"get", "describe", "=", "history", "!", "help",
                                                          "?", "show", "save", "halt", "quit"};

}  // namespace

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

bool is_incomplete(std::string_view text) {
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '$') {  // character literal: the next character is data, whatever it is
      ++i;
    } else if (c == '\'') {  // string (or #'symbol'); '' is an escaped quote
      for (++i;; ++i) {
        if (i >= text.size()) return true;
        if (text[i] == '\'') {
          if (i + 1 < text.size() && text[i + 1] == '\'') {
            ++i;
          } else {
            break;
          }
        }
      }
    } else if (c == '"') {  // comment
      size_t end = text.find('"', i + 1);
      if (end == std::string_view::npos) return true;
      i = end;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    }
  }
  // More closers than openers is a syntax error the image reports; waiting would not help.
  return depth > 0;
}

InputKind classify(std::string_view text) {
  std::string line = trim(first_line(text));
  if (line.empty()) return InputKind::Empty;
  if (starts_with(line, "eval")) return InputKind::Eval;
  if (starts_with(line, "add")) return InputKind::Method;
  for (std::string_view name : kSingleLine) {
    if (starts_with(line, name)) return InputKind::Command;
  }
  return InputKind::Eval;
}

std::optional<std::string> destructive_command(std::string_view text) {
  if (classify(text) != InputKind::Command) return std::nullopt;
  std::string line = trim(first_line(text));
  for (std::string_view name : kSingleLine) {
    if (starts_with(line, name)) {
      if (name == "save" || name == "halt") return std::string(name);
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string wire_form(InputKind kind, std::string_view text) {
  switch (kind) {
    case InputKind::Empty:
      return "";
    case InputKind::Command:
      return trim(first_line(text)) + "\n";
    case InputKind::Eval:
    case InputKind::Method:
      break;
  }
  std::string out;
  for (const std::string& line : lines_of(text)) {
    std::string t = trim(line);
    if (t.empty()) continue;
    out += t;
    out += '\n';
  }
  out += '\n';
  return out;
}

std::string as_evaluation(std::string_view text) {
  InputKind kind = classify(text);
  if (kind == InputKind::Eval && !starts_with(trim(first_line(text)), "eval")) return std::string(text);
  if (kind == InputKind::Empty) return std::string(text);
  // A block answers the value of its last statement, so `[ saveAll ] value` means `saveAll`.
  return "[ " + trim(text) + " ] value";
}

bool is_failure_answer(std::string_view answer) {
  // "eval failed with ...", or as NeoConsole prints its command object:
  // "a NeoConsoleEvalCommand(3/0) failed with ZeroDivide". A result that merely contains the
  // words is a printString: quoted ('...', #'...') or not a command's report.
  static const std::regex kFailure("^(an? [A-Za-z][A-Za-z0-9]*\\(.*\\)|[A-Za-z][A-Za-z0-9]*) failed with ");
  std::string line(first_line(answer));
  return std::regex_search(line, kFailure);
}

const std::vector<std::string>& command_names() {
  static const std::vector<std::string> kNames = {"add",  "describe", "eval", "get",  "halt", "help",
                                                  "history", "quit", "save", "show"};
  return kNames;
}

}  // namespace pharoctl::neoconsole
