#include "supervise/poll_loop.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "supervise/fake_clock.hpp"

namespace pharoctl {
namespace {

using std::chrono::milliseconds;

struct Pipe {
  UniqueFd r, w;
  Pipe() {
    int p[2];
    EXPECT_EQ(::pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
    r.reset(p[0]);
    w.reset(p[1]);
  }
};

TEST(PollLoop, TimeoutIsExactToTheNanosecondAndBounded) {
  SteadyTime now{std::chrono::hours(1)};
  auto ns = [](const std::optional<timespec>& t) { return t->tv_sec * 1'000'000'000LL + t->tv_nsec; };
  EXPECT_FALSE(poll_timeout(std::nullopt, now));
  EXPECT_EQ(ns(poll_timeout(now - milliseconds(5), now)), 0);
  EXPECT_EQ(ns(poll_timeout(now, now)), 0);
  EXPECT_EQ(ns(poll_timeout(now + std::chrono::microseconds(250), now)), 250'000);  // not rounded to 1 ms
  EXPECT_EQ(ns(poll_timeout(now + milliseconds(2500), now)), 2'500'000'000LL);
  EXPECT_EQ(ns(poll_timeout(now + std::chrono::hours(5), now)), 3'600'000'000'000LL);
}

TEST(PollLoop, WakesAtASubMillisecondDeadlineNotBefore) {
  SystemClock clock;
  PollLoop loop;
  SteadyTime start = clock.steady();
  SteadyTime deadline = start + std::chrono::microseconds(300);
  loop.wait(deadline, clock);
  EXPECT_GE(clock.steady(), deadline);
}

TEST(PollLoop, RunsOnlyTheHandlersOfReadyDescriptorsInWatchOrder) {
  Pipe a, b, c;
  ASSERT_EQ(::write(c.w.get(), "x", 1), 1);
  ASSERT_EQ(::write(a.w.get(), "x", 1), 1);
  PollLoop loop;
  std::vector<char> ran;
  loop.watch(a.r.get(), POLLIN, [&](short ev) {
    EXPECT_TRUE(ev & POLLIN);
    ran.push_back('a');
  });
  loop.watch(b.r.get(), POLLIN, [&](short) { ran.push_back('b'); });
  loop.watch(c.r.get(), POLLIN, [&](short) { ran.push_back('c'); });
  FakeClock clock(WallTime{});
  loop.wait(clock.steady() + milliseconds(1000), clock);
  EXPECT_EQ(ran, (std::vector<char>{'a', 'c'}));
  EXPECT_EQ(loop.watched(), 0u);  // every round watches afresh
}

TEST(PollLoop, APassedDeadlineReturnsAtOnceWithoutHandlers) {
  Pipe a;
  PollLoop loop;
  bool ran = false;
  loop.watch(a.r.get(), POLLIN, [&](short) { ran = true; });
  FakeClock clock(WallTime{});
  auto t0 = std::chrono::steady_clock::now();
  loop.wait(clock.steady() - milliseconds(1), clock);
  EXPECT_FALSE(ran);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(500));
}

TEST(PollLoop, AHangUpIsReported) {
  Pipe a;
  a.w.reset();
  PollLoop loop;
  short seen = 0;
  loop.watch(a.r.get(), POLLIN, [&](short ev) { seen = ev; });
  FakeClock clock(WallTime{});
  loop.wait(std::nullopt, clock);
  EXPECT_TRUE(seen & POLLHUP);
}

TEST(SignalChannel, DeliversBlockedSignalsAsData) {
  SignalChannel ch;
  EXPECT_FALSE(ch.next());
  ASSERT_EQ(::raise(SIGHUP), 0);  // blocked: pending until read, the test process lives on
  ASSERT_EQ(::raise(SIGTERM), 0);
  PollLoop loop;
  bool readable = false;
  loop.watch(ch.fd(), POLLIN, [&](short) { readable = true; });
  FakeClock clock(WallTime{});
  loop.wait(clock.steady() + milliseconds(1000), clock);
  EXPECT_TRUE(readable);
  std::vector<int> got;
  while (auto s = ch.next()) got.push_back(*s);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<int>{SIGHUP, SIGTERM}));
}

}  // namespace
}  // namespace pharoctl
