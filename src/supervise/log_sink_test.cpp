#include "supervise/log_sink.hpp"

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "supervise/fake_clock.hpp"

namespace pharoctl {
namespace {

WallTime local(int y, int mo, int d, int h, int mi, int s) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  tm.tm_isdst = -1;
  return std::chrono::system_clock::from_time_t(std::mktime(&tm));
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class LogSinkTest : public ::testing::Test {
 protected:
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("pharoctl-logs-" + std::to_string(::getpid()) + "-" +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  void touch(const std::string& name) { std::ofstream(dir / name) << "old\n"; }
};

TEST_F(LogSinkTest, LinesCarryTimestampStreamAndText) {
  FakeClock clock(local(2026, 11, 23, 10, 14, 7) + std::chrono::milliseconds(118));
  LogSink sink(clock, dir, "shop", {}, 14);
  sink.write("out", "Zinc started");
  std::string text = slurp(dir / "shop-2026-11-23.log");
  EXPECT_EQ(text.substr(0, 23), "2026-11-23T10:14:07.118");
  EXPECT_NE(text.find(" out Zinc started\n"), std::string::npos) << text;
}

// The lines of one batch (one read of a VM's pipe) carry the time the batch began, and reach
// the file together when it ends; the next line outside it reads the clock again.
TEST_F(LogSinkTest, ABatchsLinesCarryItsTimeAndAreWrittenAtItsEnd) {
  FakeClock clock(local(2026, 11, 23, 10, 14, 7) + std::chrono::milliseconds(118));
  LogSink sink(clock, dir, "shop", {}, 14);
  {
    LogSink::Batch batch(sink);
    sink.write("out", "first");
    clock.advance(std::chrono::milliseconds(5));
    sink.write("out", "second");
    EXPECT_EQ(slurp(dir / "shop-2026-11-23.log"), "");  // nothing written yet
  }
  sink.write("out", "third");
  std::string text = slurp(dir / "shop-2026-11-23.log");
  std::istringstream lines(text);
  std::string a, b, c;
  std::getline(lines, a), std::getline(lines, b), std::getline(lines, c);
  EXPECT_EQ(a.substr(0, 23), "2026-11-23T10:14:07.118") << text;
  EXPECT_EQ(b.substr(0, 23), "2026-11-23T10:14:07.118") << text;
  EXPECT_EQ(c.substr(0, 23), "2026-11-23T10:14:07.123") << text;
  EXPECT_NE(b.find(" out second"), std::string::npos) << text;
}

TEST_F(LogSinkTest, SwitchesFileAtLocalMidnight) {
  FakeClock clock(local(2026, 11, 23, 23, 59, 59));
  LogSink sink(clock, dir, "shop.1", {}, 14);
  sink.write("out", "before");
  clock.advance(std::chrono::milliseconds(999));
  sink.write("out", "still before");
  clock.advance(std::chrono::milliseconds(1));
  sink.write("err", "after");
  std::string day1 = slurp(dir / "shop.1-2026-11-23.log");
  std::string day2 = slurp(dir / "shop.1-2026-11-24.log");
  EXPECT_NE(day1.find("before"), std::string::npos);
  EXPECT_NE(day1.find("still before"), std::string::npos);
  EXPECT_EQ(day1.find("after"), std::string::npos);
  EXPECT_NE(day2.find("2026-11-24T00:00:00.000"), std::string::npos) << day2;
  EXPECT_NE(day2.find(" err after"), std::string::npos);
}

TEST_F(LogSinkTest, DeletesFilesPastKeepDaysIncludingTheImagesOwn) {
  touch("shop-2026-11-20.log");
  touch("shop-2026-11-21.log");
  touch("shop-2026-11-22.log");
  touch("server-2026-11-21.log");
  touch("server-2026-11-22.log");
  touch("other-2026-11-01.log");       // not this series
  touch("shop-2026-11-01.log.keep");   // not a log of the series
  FakeClock clock(local(2026, 11, 23, 23, 59, 59));
  LogSink sink(clock, dir, "shop", {{"server-", ".log"}}, 2);  // today and yesterday
  sink.write("sup", "x");
  EXPECT_FALSE(std::filesystem::exists(dir / "shop-2026-11-20.log"));
  EXPECT_FALSE(std::filesystem::exists(dir / "shop-2026-11-21.log"));
  EXPECT_FALSE(std::filesystem::exists(dir / "server-2026-11-21.log"));
  EXPECT_TRUE(std::filesystem::exists(dir / "shop-2026-11-22.log"));
  EXPECT_TRUE(std::filesystem::exists(dir / "server-2026-11-22.log"));
  clock.advance(std::chrono::seconds(1));  // midnight: yesterday becomes the day before
  sink.write("sup", "y");
  EXPECT_FALSE(std::filesystem::exists(dir / "shop-2026-11-22.log"));
  EXPECT_FALSE(std::filesystem::exists(dir / "server-2026-11-22.log"));
  EXPECT_TRUE(std::filesystem::exists(dir / "shop-2026-11-23.log"));
  EXPECT_TRUE(std::filesystem::exists(dir / "other-2026-11-01.log"));
  EXPECT_TRUE(std::filesystem::exists(dir / "shop-2026-11-01.log.keep"));
}

TEST(LineSplitter, SplitsJoinsAndCuts) {
  LineSplitter s(8);
  std::vector<std::string> got;
  auto emit = [&](std::string_view l) { got.emplace_back(l); };
  s.feed("ab", emit);
  s.feed("c\r\nde\nf", emit);
  s.feed("0123456789\n", emit);
  s.flush(emit);
  EXPECT_EQ(got, (std::vector<std::string>{"abc", "de", "f0123456", "789"}));
}

TEST(Clock, OffsetMakesTheWallClockReadTheGivenLocalTime) {
  WallTime now = std::chrono::system_clock::now();
  auto off = wall_offset_for("2026-11-23T23:59:59", now);
  ASSERT_TRUE(off);
  EXPECT_EQ(format_local_timestamp(now + *off).substr(0, 23), "2026-11-23T23:59:59.000");
  EXPECT_FALSE(wall_offset_for("23:59:59", now));
  EXPECT_FALSE(wall_offset_for("2026-11-23T23:59:59Z", now));
}

}  // namespace
}  // namespace pharoctl

namespace pharoctl {
namespace {

TEST_F(LogSinkTest, RotatesToDotOneAtMaxSize) {
  FakeClock clock(local(2026, 11, 23, 10, 0, 0));
  LogSink sink(clock, dir, "shop", {}, 14);
  sink.set_max_size(1000);
  for (int i = 0; i < 40; ++i) sink.write("out", std::string(60, 'a' + static_cast<char>(i % 26)));
  auto cur = dir / "shop-2026-11-23.log";
  auto old = dir / "shop-2026-11-23.log.1";
  ASSERT_TRUE(std::filesystem::exists(old));
  EXPECT_LE(std::filesystem::file_size(cur), 1000u);
  EXPECT_LE(std::filesystem::file_size(old), 1000u);
  EXPECT_NE(slurp(cur).find(std::string(60, 'a' + 39 % 26)), std::string::npos);
}

TEST_F(LogSinkTest, ReopensAFileDeletedUnderIt) {
  FakeClock clock(local(2026, 11, 23, 10, 0, 0));
  LogSink sink(clock, dir, "shop", {}, 14);
  sink.write("out", "before");
  auto cur = dir / "shop-2026-11-23.log";
  std::filesystem::remove(cur);
  clock.advance(std::chrono::milliseconds(1000));  // looked at once a second
  sink.write("out", "after");
  ASSERT_TRUE(std::filesystem::exists(cur));
  EXPECT_NE(slurp(cur).find(" out after\n"), std::string::npos);
  EXPECT_EQ(std::filesystem::status(cur).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
}

TEST_F(LogSinkTest, HoldsLinesWhileTheDiskIsFullAndWritesThemAfter) {
  FakeClock clock(local(2026, 11, 23, 10, 0, 0));
  auto cur = dir / "shop-2026-11-23.log";
  std::filesystem::create_symlink("/dev/full", cur);  // every write: ENOSPC
  std::vector<std::string> told;
  LogSink sink(clock, dir, "shop", {}, 14);
  sink.set_trouble([&](const std::string& t) { told.push_back(t); });
  sink.write("out", "one");
  sink.write("out", "two");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_NE(told[0].find("No space left on device"), std::string::npos) << told[0];
  EXPECT_GT(sink.held_bytes(), 0u);
  // Space returns (here: the path becomes a real file again).
  std::filesystem::remove(cur);
  clock.advance(std::chrono::milliseconds(1500));
  sink.write("out", "three");
  std::string text = slurp(cur);
  EXPECT_LT(text.find(" out one\n"), text.find(" out two\n"));
  EXPECT_LT(text.find(" out two\n"), text.find(" out three\n"));
  EXPECT_EQ(sink.held_bytes(), 0u);
  ASSERT_EQ(told.size(), 2u);
  EXPECT_NE(told[1].find("takes writes again"), std::string::npos) << told[1];
}

}  // namespace
}  // namespace pharoctl
