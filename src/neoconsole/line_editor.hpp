#pragma once
// The REPL's line editing on libedit (loaded when the first editor starts): emacs keys (and
// ~/.editrc), a history kept in a file of its own, Tab completion from a callback, and Ctrl-C
// that drops the line being typed.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pharoctl::neoconsole {

class InterruptPipe;

class LineEditor {
 public:
  // Completion candidates for the word before the cursor: (text of the line before the cursor).
  using Completer = std::function<std::vector<std::string>(const std::string& before_cursor)>;

  // `history_file`: empty for none. `interrupts` must outlive the editor.
  LineEditor(const std::string& program, std::filesystem::path history_file, InterruptPipe& interrupts);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  void set_completer(Completer completer) { completer_ = std::move(completer); }

  struct Line {
    enum Kind { Text, Interrupted, EndOfInput } kind = EndOfInput;
    std::string text;  // without the final line end
  };
  Line read(const std::string& prompt);

  // Adds an entry (possibly several lines) to the history and appends it to the history file.
  void remember(const std::string& entry);

  // For libedit's C callbacks.
  const std::string& prompt() const { return prompt_; }
  int read_char(wchar_t* out);
  unsigned char complete();
  unsigned char interrupt();

 private:
  void load_history();

  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path history_file_;
  InterruptPipe& interrupts_;
  Completer completer_;
  std::string prompt_;
  bool interrupted_ = false;
};

// The longest common prefix of the candidates.
std::string common_prefix(const std::vector<std::string>& words);

}  // namespace pharoctl::neoconsole
