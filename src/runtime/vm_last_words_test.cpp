#include "runtime/vm_last_words.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "util/scratch_directory.hpp"

namespace pharoctl {
namespace {

namespace fs = std::filesystem;

TEST(VmLastWords, RealPharo8ComplaintInOneLine) {
  VmLastWords w;
  w.feed("out", "Invalid arguments: \"st run/run-svc.st\"\x1b[");
  w.feed("err", "    Implementation Points");
  w.feed("err", "\x1b[31mCommand line handler failed");
  w.feed("err", "\x1b[0m");
  EXPECT_EQ(w.summary(), "Invalid arguments: \"st run/run-svc.st\" (Command line handler failed)");
  EXPECT_EQ(describe_vm_end("exit status 1", w.summary()),
            "exit status 1: Invalid arguments: \"st run/run-svc.st\" (Command line handler failed)");
}

TEST(VmLastWords, MergedStreamsOfTheRealRefusal) {
  VmLastWords w;
  w.feed_text("help\n    Implementation Points\n\x1b[31mCommand line handler failed\n\x1b[0m"
              "Invalid arguments: \"eval 1\"\x1b[\n");
  EXPECT_EQ(w.summary(), "Invalid arguments: \"eval 1\" (Command line handler failed)");
}

TEST(VmLastWords, NothingSaid) {
  VmLastWords w;
  w.feed("out", "   ");
  EXPECT_EQ(w.summary(), "");
  EXPECT_EQ(describe_vm_end("killed by SIGKILL", ""), "killed by SIGKILL");
}

TEST(VmLastWords, NewPharoDebugLogFirstLine) {
  ScratchDirectory scratch("vm-last-words");
  const fs::path& dir = scratch.path();
  fs::path log = dir / "PharoDebug.log";
  { std::ofstream(log) << "old report\n"; }
  VmLastWords w({log, log});
  { std::ofstream(log, std::ios::app) << "\n\x1b[1mError: boom\x1b[0m\nmore\n"; }
  w.feed_text("line one\nlast line\n\n");
  EXPECT_EQ(w.summary(), "last line; PharoDebug.log: Error: boom");
}

}  // namespace
}  // namespace pharoctl
