#pragma once
// What a VM said last: the last meaningful line it printed on stdout and on stderr (cleaned of
// ANSI escapes and control bytes) and the first line of a PharoDebug.log that appeared or grew
// while it ran. The supervisor, `run`-like callers and builds put these words into the reason a
// user reads, so that "exit status 1" comes with the image's own complaint.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pharoctl {

class VmLastWords {
 public:
  // `debug_logs`: where this VM may write PharoDebug.log (its working directory, its image's
  // directory); their sizes now are the baseline a later report compares with.
  explicit VmLastWords(std::vector<std::filesystem::path> debug_logs = {});

  // One line of output as the VM printed it (raw); `stream` is "out" or "err".
  void feed(std::string_view stream, std::string_view raw_line);
  // Every line of a merged output (what run_command keeps), as stdout.
  void feed_text(std::string_view raw_text);

  // `Invalid arguments: "st x.st" (Command line handler failed); PharoDebug.log: Error: boom`,
  // "" when the VM said nothing meaningful.
  std::string summary() const;

 private:
  struct Watched {
    std::filesystem::path path;
    std::uintmax_t size_at_start = 0;
  };
  std::string last_out_;
  std::string last_err_;
  std::vector<Watched> debug_logs_;
};

// "exit status 1: <words>", "killed by SIGKILL" (the wording of ExitInfo / RunResult kept, so
// that scripts matching "exit status N" still match).
std::string describe_vm_end(const std::string& exit_text, const std::string& words);

}  // namespace pharoctl
