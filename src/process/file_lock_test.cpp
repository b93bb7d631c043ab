#include "process/file_lock.hpp"
#include "util/atomic_file.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "util/scratch_directory.hpp"

namespace pharoctl {
namespace {

TEST(FileLock, ExclusiveWhileHeldFreeAfter) {
  ScratchDirectory scratch("lock");
  auto path = scratch / "lock";
  EXPECT_FALSE(FileLock::is_held(path));
  {
    auto lock = FileLock::try_acquire(path);
    ASSERT_TRUE(lock);
    EXPECT_TRUE(FileLock::is_held(path));
    // A second open file description cannot take it.
    EXPECT_FALSE(FileLock::try_acquire(path, std::chrono::milliseconds(30)));
    lock->record_pid(123456);
    lock->record_pid(1234);  // a shorter pid over a longer one: nothing of the old one left
    EXPECT_EQ(recorded_lock_pid(path), 1234);
    EXPECT_EQ(read_file(path), "1234\n");
  }
  EXPECT_FALSE(FileLock::is_held(path));
  EXPECT_TRUE(FileLock::try_acquire(path));
}

TEST(FileLock, GoesWithTheHolderProcess) {
  ScratchDirectory scratch("lock");
  auto path = scratch / "lock";
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  if (child == 0) {
    auto lock = FileLock::try_acquire(path);
    char c = lock ? '1' : '0';
    (void)!::write(ready[1], &c, 1);
    ::pause();
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, '1');
  EXPECT_TRUE(FileLock::is_held(path));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_FALSE(FileLock::is_held(path));
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST(FileLock, ProbeDoesNotMakeAnAcquirerFail) {
  ScratchDirectory scratch("lock");
  auto path = scratch / "lock";
  // is_held() takes a shared lock for an instant; an acquirer with patience still wins.
  for (int i = 0; i < 50; ++i) {
    EXPECT_FALSE(FileLock::is_held(path));
    auto lock = FileLock::try_acquire(path, std::chrono::milliseconds(200));
    EXPECT_TRUE(lock);
  }
}

// A child that takes the lock (flock, then the POSIX lock on top) and waits to be killed.
pid_t child_holding(const std::filesystem::path& path) {
  int ready[2];
  if (::pipe(ready) != 0) return -1;
  pid_t child = ::fork();
  if (child == 0) {
    auto lock = FileLock::try_acquire(path, std::chrono::milliseconds(2000));
    char c = lock && lock->hold_posix_lock() ? '1' : '0';
    (void)!::write(ready[1], &c, 1);
    ::pause();
    ::_exit(0);
  }
  char c = 0;
  bool ok = ::read(ready[0], &c, 1) == 1 && c == '1';
  ::close(ready[0]);
  ::close(ready[1]);
  return ok ? child : -1;
}

TEST(FileLock, PosixHolderNamesTheHolderAndGoesWithIt) {
  ScratchDirectory scratch("lock");
  auto path = scratch / "lock";
  EXPECT_FALSE(posix_lock_holder(path));  // no file
  { auto lock = FileLock::try_acquire(path); }
  EXPECT_FALSE(posix_lock_holder(path));  // a file nobody holds
  pid_t child = child_holding(path);
  ASSERT_GT(child, 0);
  EXPECT_EQ(posix_lock_holder(path), std::optional<pid_t>(child));
  EXPECT_TRUE(FileLock::is_held(path));  // the flock is held as before
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_FALSE(posix_lock_holder(path));
  EXPECT_FALSE(FileLock::is_held(path));
}

TEST(FileLock, PosixQueriesNeverMakeAStartingHolderFail) {
  ScratchDirectory scratch("lock");
  auto path = scratch / "lock";
  // A querier asking as fast as it can while holders come and go: every holder gets its lock at
  // the first try of each kind (no patience needed), and the querier only ever sees a holder.
  for (int round = 0; round < 20; ++round) {
    pid_t querier = ::fork();
    if (querier == 0) {
      for (;;) {
        std::optional<pid_t> h = posix_lock_holder(path);
        if (h && *h <= 0) ::_exit(1);
      }
    }
    auto lock = FileLock::try_acquire(path);  // patience 0
    ASSERT_TRUE(lock) << round;
    EXPECT_TRUE(lock->hold_posix_lock()) << round;
    ::kill(querier, SIGKILL);
    int st = 0;
    ::waitpid(querier, &st, 0);
    EXPECT_TRUE(WIFSIGNALED(st)) << round;  // it never saw a holder it could not name
  }
}

}  // namespace
}  // namespace pharoctl
