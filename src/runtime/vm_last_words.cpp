#include "runtime/vm_last_words.hpp"

#include <algorithm>
#include <string_view>

#include "util/clean_text.hpp"
#include "util/read_whole.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxShown = 240;  // characters of one line in a reason

std::string shortened(std::string s) {
  if (s.size() > kMaxShown) s = s.substr(0, kMaxShown - 3) + "...";
  size_t a = s.find_first_not_of(" \t");
  size_t b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// The first meaningful line of what was appended to `path` after `from` bytes ("" if nothing).
std::string first_new_line(const fs::path& path, std::uintmax_t from) {
  std::error_code ec;
  std::uintmax_t size = fs::file_size(path, ec);
  if (ec || size <= from) return "";
  // The first 50 lines, as far as the first 256 KiB reach.
  std::string text = read_whole(path.string(), from, 256 * 1024).value_or(std::string());
  std::string_view rest = text;
  for (int i = 0; i < 50 && !rest.empty(); ++i) {
    size_t end = std::min(rest.find('\n'), rest.size());
    std::string c = clean_line(std::string(rest.substr(0, end)));
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (meaningful_line(c)) return shortened(c);
  }
  return "";
}

}  // namespace

VmLastWords::VmLastWords(std::vector<fs::path> debug_logs) {
  for (auto& p : debug_logs) {
    std::error_code ec;
    std::uintmax_t size = fs::file_size(p, ec);
    bool seen = false;
    for (const Watched& w : debug_logs_) seen = seen || w.path == p;
    if (!seen) debug_logs_.push_back({std::move(p), ec ? 0 : size});
  }
}

void VmLastWords::feed(std::string_view stream, std::string_view raw_line) {
  std::string c = clean_line(raw_line);
  if (!meaningful_line(c)) return;
  (stream == "err" ? last_err_ : last_out_) = shortened(std::move(c));
}

void VmLastWords::feed_text(std::string_view raw_text) {
  std::vector<std::string> lines = meaningful_lines(raw_text);
  if (lines.empty()) return;
  // One merged stream: Pharo's command line refusal is two lines apart (`Invalid arguments: ...`
  // on stdout, `Command line handler failed` on stderr, in either order in a pipe, with the
  // handler's help between); they are put back together as the two streams would give them.
  std::string invalid, failed;
  for (const std::string& l : lines) {
    if (l.rfind("Invalid arguments:", 0) == 0) invalid = l;
    if (l == "Command line handler failed") failed = l;
  }
  if (!invalid.empty() && !failed.empty()) {
    last_out_ = shortened(invalid);
    last_err_ = failed;
    return;
  }
  last_out_ = shortened(lines.back());
}

std::string VmLastWords::summary() const {
  std::string out;
  if (!last_out_.empty() && !last_err_.empty() && last_out_ != last_err_) {
    out = last_out_ + " (" + last_err_ + ")";
  } else {
    out = !last_out_.empty() ? last_out_ : last_err_;
  }
  for (const Watched& w : debug_logs_) {
    std::string first = first_new_line(w.path, w.size_at_start);
    if (first.empty()) continue;
    out += (out.empty() ? "" : "; ") + std::string("PharoDebug.log: ") + first;
    break;
  }
  return out;
}

std::string describe_vm_end(const std::string& exit_text, const std::string& words) {
  return words.empty() ? exit_text : exit_text + ": " + words;
}

}  // namespace pharoctl
