#include "neoconsole/line_editor.hpp"

#include <fcntl.h>
#include <histedit.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cwchar>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "neoconsole/interrupt_pipe.hpp"
#include "util/atomic_file.hpp"
#include "util/shared_library.hpp"

namespace pharoctl::neoconsole {

namespace {

constexpr int kHistorySize = 1000;

// libedit, opened when the first REPL starts on a terminal (util/shared_library.hpp).
#define PHAROCTL_EDIT_FUNCTIONS(F)                                                            \
  F(el_init) F(el_end) F(el_set) F(el_get) F(el_source) F(el_gets) F(el_line) F(el_insertstr) \
  F(history_init) F(history_end) F(history)

struct EditLibrary {
  PHAROCTL_EDIT_FUNCTIONS(PHAROCTL_DECLARE_FUNCTION)
};

const EditLibrary& edit() {
  return load_library<EditLibrary>("libedit.so.2", "libedit2", [](const SharedLibrary& lib, EditLibrary& t) {
    PHAROCTL_EDIT_FUNCTIONS(PHAROCTL_BIND_FUNCTION)
  });
}

LineEditor* self_of(EditLine* el) {
  void* data = nullptr;
  edit().el_get(el, EL_CLIENTDATA, &data);
  return static_cast<LineEditor*>(data);
}

char* prompt_cb(EditLine* el) { return const_cast<char*>(self_of(el)->prompt().c_str()); }
int getc_cb(EditLine* el, wchar_t* c) { return self_of(el)->read_char(c); }
unsigned char complete_cb(EditLine* el, int) { return self_of(el)->complete(); }
unsigned char interrupt_cb(EditLine* el, int) { return self_of(el)->interrupt(); }

}  // namespace

struct LineEditor::Impl {
  EditLine* el = nullptr;
  History* hist = nullptr;
  HistEvent ev{};
  std::mbstate_t mb{};
};

std::string common_prefix(const std::vector<std::string>& words) {
  if (words.empty()) return "";
  std::string prefix = words.front();
  for (const auto& w : words) {
    size_t n = 0;
    while (n < prefix.size() && n < w.size() && prefix[n] == w[n]) ++n;
    prefix.resize(n);
  }
  return prefix;
}

LineEditor::LineEditor(const std::string& program, std::filesystem::path history_file, InterruptPipe& interrupts)
    : impl_(std::make_unique<Impl>()), history_file_(std::move(history_file)), interrupts_(interrupts) {
  const EditLibrary& lib = edit();
  impl_->hist = lib.history_init();
  lib.history(impl_->hist, &impl_->ev, H_SETSIZE, kHistorySize);
  lib.history(impl_->hist, &impl_->ev, H_SETUNIQUE, 1);
  impl_->el = lib.el_init(program.c_str(), stdin, stdout, stderr);
  lib.el_set(impl_->el, EL_CLIENTDATA, this);
  lib.el_set(impl_->el, EL_EDITOR, "emacs");
  lib.el_set(impl_->el, EL_PROMPT, prompt_cb);
  lib.el_set(impl_->el, EL_HIST, lib.history, impl_->hist);
  lib.el_set(impl_->el, EL_GETCFN, getc_cb);
  lib.el_set(impl_->el, EL_ADDFN, "pharoctl-complete", "Complete command or metric name", complete_cb);
  lib.el_set(impl_->el, EL_ADDFN, "pharoctl-interrupt", "Drop the current input", interrupt_cb);
  lib.el_set(impl_->el, EL_BIND, "^I", "pharoctl-complete", nullptr);
  lib.el_set(impl_->el, EL_BIND, "^C", "pharoctl-interrupt", nullptr);
  lib.el_source(impl_->el, nullptr);  // the user's ~/.editrc, as other libedit programs do
  load_history();
}

LineEditor::~LineEditor() {
  edit().el_end(impl_->el);
  edit().history_end(impl_->hist);
}

void LineEditor::load_history() {
  if (history_file_.empty()) return;
  std::ifstream in(history_file_);
  std::vector<std::string> entries;
  std::string line;
  while (std::getline(in, line)) {
    // One JSON string per line, so that a multi-line expression stays one entry.
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    if (parsed.is_string()) entries.push_back(parsed.get<std::string>());
  }
  for (const auto& e : entries) edit().history(impl_->hist, &impl_->ev, H_ENTER, e.c_str());
  if (entries.size() > 2 * kHistorySize) {
    // Keep the file from growing for ever: rewrite it with the newest entries.
    std::string content;
    for (size_t i = entries.size() - kHistorySize; i < entries.size(); ++i) content += nlohmann::json(entries[i]).dump() + "\n";
    write_file_atomic(history_file_, content, 0600);
  }
}

void LineEditor::remember(const std::string& entry) {
  edit().history(impl_->hist, &impl_->ev, H_ENTER, entry.c_str());
  if (history_file_.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(history_file_.parent_path(), ec);
  // History can hold secrets typed into the image: the file is the user's alone.
  int fd = ::open(history_file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;  // a REPL without saved history still works
  std::string line = nlohmann::json(entry).dump() + "\n";
  [[maybe_unused]] ssize_t n = ::write(fd, line.data(), line.size());
  ::close(fd);
}

LineEditor::Line LineEditor::read(const std::string& prompt) {
  prompt_ = prompt;
  interrupted_ = false;
  interrupts_.take();
  int count = 0;
  const char* got = edit().el_gets(impl_->el, &count);
  if (interrupted_) {
    std::fputs("\n", stdout);
    std::fflush(stdout);
    return {Line::Interrupted, ""};
  }
  if (got == nullptr || count <= 0) return {Line::EndOfInput, ""};
  std::string text(got, static_cast<size_t>(count));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return {Line::Text, text};
}

int LineEditor::read_char(wchar_t* out) {
  for (;;) {
    pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {interrupts_.fd(), POLLIN, 0}};
    int r = ::poll(p, 2, -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (p[1].revents & POLLIN) {
      interrupts_.take();
      *out = L'\x03';  // bound to pharoctl-interrupt
      return 1;
    }
    char byte;
    ssize_t n = ::read(STDIN_FILENO, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    wchar_t wc;
    size_t used = std::mbrtowc(&wc, &byte, 1, &impl_->mb);
    if (used == static_cast<size_t>(-2)) continue;  // in the middle of a UTF-8 sequence
    if (used == static_cast<size_t>(-1)) {
      impl_->mb = std::mbstate_t{};
      wc = static_cast<wchar_t>(static_cast<unsigned char>(byte));
    }
    *out = wc;
    return 1;
  }
}

unsigned char LineEditor::interrupt() {
  interrupted_ = true;
  return CC_NEWLINE;
}

unsigned char LineEditor::complete() {
  if (!completer_) return CC_REFRESH_BEEP;
  const LineInfo* li = edit().el_line(impl_->el);
  std::string before(li->buffer, static_cast<size_t>(li->cursor - li->buffer));
  size_t start = before.find_last_of(" \t");
  std::string word = start == std::string::npos ? before : before.substr(start + 1);
  std::vector<std::string> matches;
  for (const auto& c : completer_(before)) {
    if (c.rfind(word, 0) == 0) matches.push_back(c);
  }
  if (matches.empty()) return CC_REFRESH_BEEP;
  if (matches.size() == 1) {
    edit().el_insertstr(impl_->el, (matches[0].substr(word.size()) + " ").c_str());
    return CC_REFRESH;
  }
  std::string prefix = common_prefix(matches);
  if (prefix.size() > word.size()) {
    edit().el_insertstr(impl_->el, prefix.substr(word.size()).c_str());
    return CC_REFRESH;
  }
  std::string list = "\n";
  for (const auto& m : matches) list += m + "  ";
  list += "\n";
  std::fputs(list.c_str(), stdout);
  std::fflush(stdout);
  return CC_REDISPLAY;
}

}  // namespace pharoctl::neoconsole
