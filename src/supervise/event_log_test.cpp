#include "supervise/event_log.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "supervise/fake_clock.hpp"
#include "supervise/watchdog_schedule.hpp"

namespace pharoctl {
namespace {

std::string stream_of(int fd) {
  struct stat st {};
  EXPECT_EQ(::fstat(fd, &st), 0);
  return fmt::format("{}:{}", static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino));
}

TEST(JournalStream, MatchesOnlyTheSameFile) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  std::string mine = stream_of(sv[0]);
  EXPECT_TRUE(is_journal_stream(mine.c_str(), sv[0]));
  EXPECT_FALSE(is_journal_stream(mine.c_str(), sv[1]));  // another socket: another inode
  EXPECT_FALSE(is_journal_stream(nullptr, sv[0]));
  EXPECT_FALSE(is_journal_stream("", sv[0]));
  EXPECT_FALSE(is_journal_stream("12", sv[0]));
  EXPECT_FALSE(is_journal_stream("x:1", sv[0]));
  EXPECT_FALSE(is_journal_stream((mine + "9").c_str(), sv[0]));
  EXPECT_FALSE(is_journal_stream((mine + " ").c_str(), sv[0]));
  ::close(sv[0]);
  ::close(sv[1]);
}

TEST(EventFormat, JournalGetsPrefixAndNoTimestamp) {
  WallTime at = std::chrono::system_clock::from_time_t(1'700'000'000);
  EXPECT_EQ(format_event(true, Priority::Err, at, "shop.1", "pid 7 ended: signal SIGSEGV"),
            "<3>shop.1: pid 7 ended: signal SIGSEGV\n");
  EXPECT_EQ(format_event(true, Priority::Info, at, "shop", "two\nlines"), "<6>shop: two lines\n");
  std::string plain = format_event(false, Priority::Err, at, "shop", "x");
  EXPECT_EQ(plain, format_local_timestamp(at) + " shop: x\n");
}

TEST(EventLog, WritesWholeLines) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  FakeClock clock(std::chrono::system_clock::from_time_t(0));
  EventLog log(clock, p[1], true);
  log.write(Priority::Warning, "shop", "health failed 1 of 3");
  ::close(p[1]);
  char buf[256];
  ssize_t n = ::read(p[0], buf, sizeof buf);
  ::close(p[0]);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "<4>shop: health failed 1 of 3\n");
}

TEST(WatchdogSchedule, BeatsAtOnceThenOncePerIntervalWithoutBursts) {
  SteadyTime t0{};
  WatchdogSchedule w(std::chrono::milliseconds(200), t0);
  EXPECT_EQ(w.next(), t0);
  EXPECT_TRUE(w.due(t0));
  EXPECT_FALSE(w.due(t0 + std::chrono::milliseconds(199)));
  EXPECT_TRUE(w.due(t0 + std::chrono::milliseconds(200)));
  // A turn 1 s late beats once, then waits a whole interval again.
  EXPECT_TRUE(w.due(t0 + std::chrono::milliseconds(1400)));
  EXPECT_FALSE(w.due(t0 + std::chrono::milliseconds(1500)));
  EXPECT_EQ(w.next(), t0 + std::chrono::milliseconds(1600));
}

TEST(WatchdogSchedule, NoneWithoutAnInterval) {
  WatchdogSchedule w(std::nullopt, SteadyTime{});
  EXPECT_FALSE(w.next());
  EXPECT_FALSE(w.due(SteadyTime{} + std::chrono::hours(1)));
}

}  // namespace
}  // namespace pharoctl
