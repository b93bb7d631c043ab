#pragma once
// What a line typed at the REPL (or given to eval) means to NeoConsole, and the bytes that carry
// it (specs/neoconsole.md section 1). NeoConsole dispatches on a plain prefix of the trimmed first
// line, evaluates everything else, and reads an evaluation until an empty line: this file is
// where pharoctl decides, before anything is sent, what the server will do with the input.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pharoctl::neoconsole {

// True while the Smalltalk text has an open (, [ or {, an unterminated 'string', "comment" or
// #'symbol': the REPL then asks for another line under its continuation prompt.
bool is_incomplete(std::string_view text);

enum class InputKind {
  Empty,    // nothing to send
  Command,  // a single-line console command (get, help, describe, history, show, quit...)
  Eval,     // everything else: multi-line, ends with an empty line on the wire
  Method,   // `add Class`: method source follows, ends with an empty line on the wire
};
InputKind classify(std::string_view text);

// The console command (`save` or `halt`) this input would run because its trimmed first line
// starts with that name, prefix match included (`saveAll` runs `save`). nullopt if none.
std::optional<std::string> destructive_command(std::string_view text);

// The bytes that send `text` as `kind`: a command as its one line, an evaluation as its
// non-empty lines followed by the terminating empty line (an inner empty line would end it early).
std::string wire_form(InputKind kind, std::string_view text);

// For one-shot eval, which always means "evaluate this": if the first line would be taken for a
// console command (`saveAll`, `history size`...), the text wrapped in a block that evaluates to
// the same value, so the server evaluates it instead of dispatching it. Otherwise unchanged.
std::string as_evaluation(std::string_view text);

// True when a console answer is an error report (`<command> failed with <exception>...`).
bool is_failure_answer(std::string_view answer);

// The console's command names and aliases, for completion.
const std::vector<std::string>& command_names();

std::string trim(std::string_view s);

}  // namespace pharoctl::neoconsole
