#include "process/vm_identity.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "process/proc_info.hpp"
#include "process/launcher.hpp"
#include "process/terminate.hpp"
#include "util/scratch_directory.hpp"

namespace pharoctl {
namespace {

// A real child, once its command line shows in /proc (the kernel lets the parent go on during
// exec, before it has set the new one up).
Child started(std::vector<std::string> argv) {
  LaunchSpec spec;
  spec.argv = std::move(argv);
  Child child = launch(spec);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (read_proc_cmdline(child.pid).size() < spec.argv.size() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  return child;
}

std::uint64_t start_ticks_of(pid_t pid) {
  auto st = read_proc_stat(pid);
  return st ? st->start_ticks : 0;
}

// A real child: `sleep 30` with an "image" argument we can look for in its command line.
struct Sleeper {
  Child child;
  Sleeper() : child(started({"/bin/sleep", "30"})) {}
  ~Sleeper() {
    ::kill(child.pid, SIGKILL);
    ::waitpid(child.pid, nullptr, 0);
  }
};

class PidFileTest : public ::testing::Test {
 protected:
  ScratchDirectory scratch{"pid"};
  const std::filesystem::path dir = scratch.path();
};

TEST_F(PidFileTest, ProvesTheRecordedProcess) {
  Sleeper s;
  VmIdentity id{s.child.pid, start_ticks_of(s.child.pid), "30", "", ""};
  EXPECT_TRUE(verify_identity(id).proven) << verify_identity(id).reason;
  PidFile pf(dir / "shop.pid");
  pf.write(id);
  PidFileState st = pf.inspect();
  EXPECT_TRUE(st.exists);
  EXPECT_EQ(st.pid, s.child.pid);
  EXPECT_TRUE(st.verdict.proven) << st.verdict.reason;
}

TEST_F(PidFileTest, RecordsTakeTheUmaskedModeAndLeaveNoTemp) {
  PidFile pf(dir / "shop.pid");
  mode_t old = ::umask(027);
  pf.write(VmIdentity{::getpid(), start_ticks_of(::getpid()), "", "", ""});
  ::umask(old);
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) {
    ++entries;
    EXPECT_EQ(std::filesystem::status(e.path()).permissions(),
              static_cast<std::filesystem::perms>(0640)) << e.path();
  }
  EXPECT_EQ(entries, 2);
  EXPECT_TRUE(pf.inspect().verdict.proven);
}

TEST_F(PidFileTest, OtherStartTimeIsARecycledPid) {
  Sleeper s;
  VmIdentity id{s.child.pid, start_ticks_of(s.child.pid) + 1, "30", "", ""};
  IdentityVerdict v = verify_identity(id);
  EXPECT_FALSE(v.proven);
  EXPECT_NE(v.reason.find("recycled"), std::string::npos) << v.reason;
}

TEST_F(PidFileTest, ImageArgumentMustBeOnTheCommandLine) {
  Sleeper s;
  VmIdentity id{s.child.pid, start_ticks_of(s.child.pid), "/srv/shop/Pharo.image", "", ""};
  EXPECT_FALSE(verify_identity(id).proven);
}

TEST_F(PidFileTest, ExecutableMustMatchOnceRecorded) {
  Sleeper s;
  VmIdentity id{s.child.pid, start_ticks_of(s.child.pid), "30", "", "/usr/bin/not-sleep"};
  EXPECT_FALSE(verify_identity(id).proven);
  id.exe = read_proc_exe(s.child.pid);
  EXPECT_TRUE(verify_identity(id).proven) << verify_identity(id).reason << " exe " << id.exe;
}

TEST_F(PidFileTest, PlainPidFileOfAnUnrelatedProcessIsStaleAndNeverSignalled) {
  Sleeper s;
  std::filesystem::path pid = dir / "shop.pid";
  {
    std::FILE* f = std::fopen(pid.c_str(), "w");
    std::fprintf(f, "%d\n", s.child.pid);
    std::fclose(f);
  }
  PidFileState st = PidFile(pid).inspect();
  EXPECT_TRUE(st.exists);
  EXPECT_FALSE(st.verdict.proven);
  // terminate_proven refuses a record that does not match the live process.
  TerminateResult r = terminate_proven({s.child.pid, start_ticks_of(s.child.pid) + 7, "x.image", "", ""}, std::chrono::milliseconds(100));
  EXPECT_FALSE(r.signalled);
  EXPECT_TRUE(process_alive(s.child.pid));
}

TEST_F(PidFileTest, DeadProcessIsNotProven) {
  Child c = started({"/bin/true"});
  ::waitpid(c.pid, nullptr, 0);
  EXPECT_FALSE(verify_identity({c.pid, start_ticks_of(c.pid), "", "", ""}).proven);
}

TEST_F(PidFileTest, TerminateProvenEndsTheProcess) {
  Child c = started({"/bin/sleep", "31"});
  TerminateResult r = terminate_proven({c.pid, start_ticks_of(c.pid), "31", "", ""}, std::chrono::seconds(5));
  EXPECT_TRUE(r.signalled) << r.reason;
  EXPECT_FALSE(r.killed);
  int st = 0;
  ASSERT_EQ(::waitpid(c.pid, &st, 0), c.pid);
  EXPECT_TRUE(WIFSIGNALED(st));
  EXPECT_EQ(WTERMSIG(st), SIGTERM);
}

TEST(ProcStat, ParsesCommandNamesWithSpacesAndParentheses) {
  auto st = parse_proc_stat("42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 12345 1000 100");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->pid, 42);
  EXPECT_EQ(st->state, 'S');
  EXPECT_EQ(st->ppid, 1);
  EXPECT_EQ(st->utime_ticks, 7u);
  EXPECT_EQ(st->stime_ticks, 3u);
  EXPECT_EQ(st->start_ticks, 12345u);
}

}  // namespace
}  // namespace pharoctl
