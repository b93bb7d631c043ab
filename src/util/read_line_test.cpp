#include "util/read_line.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "util/unique_fd.hpp"

namespace pharoctl {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

struct Pair {
  UniqueFd a, b;
  Pair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    a.reset(fds[0]);
    b.reset(fds[1]);
  }
  void send(const std::string& s) { ASSERT_EQ(::write(a.get(), s.data(), s.size()), static_cast<ssize_t>(s.size())); }
};

TEST(ReadLine, TheLineWithoutItsNewlineWhatFollowsDropped) {
  Pair p;
  p.send("{\"cmd\":\"wait\"}\nmore");
  LineRead r = read_line(p.b.get(), steady_clock::now() + milliseconds(1000), 256);
  ASSERT_TRUE(r.line);
  EXPECT_EQ(*r.line, "{\"cmd\":\"wait\"}");
  EXPECT_FALSE(r.timed_out);
}

TEST(ReadLine, NoneAtEofAtTheDeadlineOrPastTheLimit) {
  {
    Pair p;
    p.send("cut sho");
    p.a.reset();
    LineRead r = read_line(p.b.get(), steady_clock::now() + milliseconds(1000), 256);
    EXPECT_FALSE(r.line);
    EXPECT_FALSE(r.timed_out);
  }
  {
    Pair p;
    LineRead r = read_line(p.b.get(), steady_clock::now() + milliseconds(20), 256);
    EXPECT_FALSE(r.line);
    EXPECT_TRUE(r.timed_out);
  }
  {
    Pair p;
    p.send(std::string(300, 'x') + "\n");
    LineRead r = read_line(p.b.get(), steady_clock::now() + milliseconds(1000), 256);
    EXPECT_FALSE(r.line);
    EXPECT_FALSE(r.timed_out);
  }
}

}  // namespace
}  // namespace pharoctl
