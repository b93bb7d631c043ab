#include "neoconsole/log_lines.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "util/scratch_directory.hpp"

namespace pharoctl::neoconsole {
namespace {

namespace fs = std::filesystem;

class LogLinesTest : public ::testing::Test {
 protected:
  void write(const std::string& name, const std::string& text, std::ios::openmode mode = std::ios::trunc) {
    std::ofstream(dir_ / name, std::ios::binary | std::ios::out | mode) << text;
  }
  ScratchDirectory scratch_{"logs"};
  const fs::path dir_ = scratch_.path();
};

TEST(LogTime, ParsesSupervisorAndZincStamps) {
  EXPECT_EQ(line_time("2026-11-23T10:14:07.118+01:00 out x"), int64_t{1795425247118});
  EXPECT_EQ(line_time("2026-11-23T09:14:07.118Z out x"), int64_t{1795425247118});
  EXPECT_EQ(line_time("2026-11-23T10:14:07.118+0100 out x"), int64_t{1795425247118});
  EXPECT_TRUE(line_time("2026-11-23 10:14:07 001 Server started").has_value());
  EXPECT_FALSE(line_time("Zinc started").has_value());
  EXPECT_FALSE(line_time("").has_value());
}

TEST_F(LogLinesTest, InterleavesSourcesByTimeAndKeepsUnstampedLinesWithTheirPredecessor) {
  write("shop-2026-11-23.log",
        "2026-11-23T10:00:00.000Z sup start\n2026-11-23T10:00:02.000Z out two\n2026-11-23T10:00:04.000Z out four\n");
  write("server-2026-11-23.log", "2026-11-23T10:00:01.000Z one\ncontinued\n2026-11-23T10:00:03.000Z three\npartial");
  std::vector<LogSource> sources = {{dir_, "shop-", ""}, {dir_, "server-", ""}};
  std::vector<FilePosition> pos;
  auto lines = tail_logs(sources, 100, pos);
  std::vector<std::string> texts;
  for (auto& l : lines) texts.push_back(l.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"2026-11-23T10:00:00.000Z sup start", "2026-11-23T10:00:01.000Z one",
                                             "continued", "2026-11-23T10:00:02.000Z out two",
                                             "2026-11-23T10:00:03.000Z three", "2026-11-23T10:00:04.000Z out four"}));
  auto last2 = tail_logs(sources, 2, pos);
  ASSERT_EQ(last2.size(), 2u);
  EXPECT_EQ(last2[1].text, "2026-11-23T10:00:04.000Z out four");
  // Following picks up the partial line once complete, then the next day's file.
  write("server-2026-11-23.log", " line\n", std::ios::app);
  write("server-2026-11-24.log", "2026-11-24T00:00:01.000Z tomorrow\n");
  std::vector<LogLine> fresh;
  read_new_lines(sources[1], 1, pos[1], fresh);
  ASSERT_EQ(fresh.size(), 2u);
  EXPECT_EQ(fresh[0].text, "partial line");
  EXPECT_EQ(fresh[1].text, "2026-11-24T00:00:01.000Z tomorrow");
  fresh.clear();
  read_new_lines(sources[1], 1, pos[1], fresh);
  EXPECT_TRUE(fresh.empty());
}

TEST_F(LogLinesTest, OnlyExactDailyNamesOfTheSource) {
  write("shop-2026-11-23.log", "");
  write("shop-api-2026-11-23.log", "");
  write("shop-2026-11-2.log", "");
  auto files = list_log_files({dir_, "shop-", ""});
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].date, "2026-11-23");
}

}  // namespace
}  // namespace pharoctl::neoconsole

namespace pharoctl::neoconsole {
namespace {

TEST(LastLines, ReadsOnlyTheEndAndStopsAtCompleteLines) {
  ScratchDirectory dir("last");
  fs::path f = dir / "a.log";
  {
    std::ofstream out(f, std::ios::binary);
    for (int i = 0; i < 100000; ++i) out << "line " << i << "\n";
    out << "partial";
  }
  uint64_t end = 0;
  EXPECT_EQ(last_lines_of(f, 3, end), "line 99997\nline 99998\nline 99999\n");
  EXPECT_EQ(end, fs::file_size(f) - 7);
  EXPECT_EQ(last_lines_of(f, 0, end), "");
  EXPECT_EQ(end, fs::file_size(f) - 7);
  std::string all = last_lines_of(f, 200000, end);
  EXPECT_EQ(all.substr(0, 14), "line 0\nline 1\n");
}

}  // namespace
}  // namespace pharoctl::neoconsole
