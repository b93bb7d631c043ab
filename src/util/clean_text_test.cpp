#include "util/clean_text.hpp"

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

TEST(CleanText, RemovesColourSequences) {
  EXPECT_EQ(clean_line("\x1b[31mCommand line handler failed\x1b[0m"), "Command line handler failed");
  EXPECT_EQ(clean_line("a\x1b[1;32;40mb\x1b[Kc"), "abc");
}

TEST(CleanText, UnterminatedCsiAsTheRealImagePrintsIt) {
  // Pharo 8's `Invalid arguments` line ends with ESC [ and then the newline.
  EXPECT_EQ(clean_text("Invalid arguments: \"st foo.st\"\x1b[\n"), "Invalid arguments: \"st foo.st\"\n");
  EXPECT_EQ(clean_line("x\x1b["), "x");
  EXPECT_EQ(clean_line("\x1b[12"), "");
  // Cut short by a byte that cannot be part of it: the rest survives.
  EXPECT_EQ(clean_line("a\x1b[1\x01z"), "a\\x01z");
}

TEST(CleanText, OscAndTwoByteForms) {
  EXPECT_EQ(clean_line("\x1b]0;title\x07text"), "text");
  EXPECT_EQ(clean_line("\x1b]8;;http://x\x1b\\link"), "link");
  EXPECT_EQ(clean_line("\x1b(Bplain\x1b" "7\x1b" "8"), "plain");
  EXPECT_EQ(clean_line("lone\x1b"), "lone");
}

TEST(CleanText, OtherControlBytesEscaped) {
  EXPECT_EQ(clean_line("a\rb\x07" "c\x7f"), "a\\x0db\\x07c\\x7f");
  EXPECT_EQ(clean_line("tab\tkept"), "tab\tkept");
  EXPECT_EQ(clean_line("crlf\r"), "crlf");
  EXPECT_EQ(clean_line("two\nlines"), "two\\x0alines");
  EXPECT_EQ(clean_text("two\nlines\r\n"), "two\nlines\n");
}

TEST(CleanText, Utf8KeptInvalidBytesEscaped) {
  EXPECT_EQ(clean_line("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");
  EXPECT_EQ(clean_line("bad \xff\xc3"), "bad \\xff\\xc3");
  EXPECT_EQ(clean_line("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(clean_line("\xc0\xaf"), "\\xc0\\xaf");          // overlong
}

// The word-at-a-time scan of plain runs stops at every byte that is not printable ASCII,
// wherever it lies in a word (each byte value at each offset of a 24-byte line).
TEST(CleanText, EachSpecialByteFoundAtEachOffset) {
  for (int c = 0; c < 256; ++c) {
    if (c == 0x1b || c == '\r') continue;  // their meaning depends on what follows
    std::string alone = clean_line(std::string(1, static_cast<char>(c)));
    for (size_t at = 0; at < 24; ++at) {
      std::string line(24, 'a');
      line[at] = static_cast<char>(c);
      EXPECT_EQ(clean_line(line), std::string(at, 'a') + alone + std::string(23 - at, 'a')) << c << " at " << at;
    }
  }
  EXPECT_EQ(clean_line("\x7f"), "\\x7f");
  EXPECT_EQ(clean_line(std::string(40, ' ') + "\x1f"), std::string(40, ' ') + "\\x1f");
}

TEST(CleanText, MeaningfulLines) {
  auto lines = meaningful_lines("\n  \n\x1b[0m\nfirst\n\t\nsecond\x1b[\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "first");
  EXPECT_EQ(lines[1], "second");
}

}  // namespace
}  // namespace pharoctl
