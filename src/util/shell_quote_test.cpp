#include "util/shell_quote.hpp"

#include <cstdio>

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

const std::vector<std::string> kAwkward = {
    "",         "plain",   "two words", "it's",       "'",       "''",        "\"double\"", "$HOME",
    "`id`",     "$(id)",   "a\\b",      "back\\",     "tab\there", "new\nline", "*",          "?[a]",
    "~",        "~user",   "#comment",  "a;b&c|d",    "<in >out", "!x",        "{a,b}",      "%s%n",
    "-n",       "--",      "=x",        "caf\xc3\xa9", "  lead",   "trail  ",   "\x01\x7f",   "'\"'\"'",
};

// The output of `script` run by a real /bin/sh. popen is exactly `/bin/sh -c SCRIPT`, and util/
// sits below the launcher (process/), so the test does not use it.
std::string sh_output(const std::string& script) {
  FILE* p = ::popen(script.c_str(), "r");
  if (p == nullptr) return "popen failed";
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  EXPECT_EQ(::pclose(p), 0) << script;
  return out;
}

// What sh makes of the quoted words: each printed between NUL bytes.
std::vector<std::string> through_sh(const std::string& command_line) {
  std::string out = sh_output("for a in " + command_line + "; do printf '%s\\0' \"$a\"; done");
  std::vector<std::string> words;
  size_t start = 0;
  for (size_t nul; (nul = out.find('\0', start)) != std::string::npos; start = nul + 1) {
    words.push_back(out.substr(start, nul - start));
  }
  return words;
}

TEST(ShellQuote, AwkwardWordsRoundTripThroughARealShell) {
  EXPECT_EQ(through_sh(shell_command_line(kAwkward)), kAwkward);
  std::string always;
  for (const auto& w : kAwkward) always += (always.empty() ? "" : " ") + shell_single_quote(w);
  EXPECT_EQ(through_sh(always), kAwkward);
}

TEST(ShellQuote, AssignmentInAGeneratedScriptKeepsTheValue) {
  for (const std::string& w : kAwkward) {
    EXPECT_EQ(sh_output("V=" + shell_single_quote(w) + "\nprintf '%s' \"$V\""), w);
  }
}

TEST(ShellQuote, PlainWordsStayBare) {
  EXPECT_EQ(shell_quote("/usr/bin/pharoctl"), "/usr/bin/pharoctl");
  EXPECT_EQ(shell_quote("user@host:22"), "user@host:22");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_single_quote("plain"), "'plain'");
  EXPECT_EQ(shell_command_line({"ls", "-l", "my dir"}), "ls -l 'my dir'");
}

}  // namespace
}  // namespace pharoctl
