#include "process/descriptors.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <vector>

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

// Runs `body` in a forked child over descriptors it opens first; the child's exit status is a
// bit per descriptor: set when `check` holds for it afterwards.
int in_child(int count, const std::function<void(const std::vector<int>&)>& body,
             const std::function<bool(int)>& check) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<int> fds;
    for (int i = 0; i < count; ++i) fds.push_back(::open("/dev/null", O_RDONLY));
    body(fds);
    int bits = 0;
    for (size_t i = 0; i < fds.size(); ++i) bits |= check(fds[i]) ? 1 << i : 0;
    ::_exit(bits);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) >= 0; }
bool is_cloexec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

TEST(Descriptors, ClosesAllFromFirstButTheOneKept) {
  // Four descriptors a, b, c, d: close from b up but c.
  int open_after = in_child(4, [](const std::vector<int>& fds) { close_descriptors_from_except(fds[1], fds[2]); }, is_open);
  EXPECT_EQ(open_after, 0b0101);
}

TEST(Descriptors, KeepingTheFirstOrNoneClosesTheRest) {
  EXPECT_EQ(in_child(3, [](const std::vector<int>& fds) { close_descriptors_from_except(fds[1], fds[1]); }, is_open), 0b011);
  EXPECT_EQ(in_child(3, [](const std::vector<int>& fds) { close_descriptors_from_except(fds[1], 0); }, is_open), 0b001);
}

TEST(Descriptors, FromThreeAreClosedOrMarkedCloseOnExec) {
  EXPECT_EQ(in_child(3, [](const std::vector<int>&) { close_descriptors_from_3(); }, is_open), 0);
  EXPECT_EQ(in_child(3, [](const std::vector<int>&) { close_descriptors_from_3_on_exec(); }, is_cloexec), 0b111);
}

}  // namespace
}  // namespace pharoctl
