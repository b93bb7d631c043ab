#include "process/launcher.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "process/run_command.hpp"

namespace pharoctl {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

LaunchSpec spec_for(std::vector<std::string> argv, int death_signal = 0, fs::path cwd = {}) {
  LaunchSpec spec;
  spec.argv = std::move(argv);
  spec.parent_death_signal = death_signal;
  spec.cwd = std::move(cwd);
  return spec;
}

// Everything the child writes to its stdout, until it closes it.
std::string read_all(UniqueFd& fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 10'000) <= 0) break;
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Whether the process (not necessarily our child) ends within `patience`: a pidfd becomes
// readable when it does.
bool ends_within(pid_t pid, std::chrono::milliseconds patience) {
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return errno == ESRCH;
  pollfd p{fd, POLLIN, 0};
  int r = ::poll(&p, 1, static_cast<int>(patience.count()));
  ::close(fd);
  return r == 1;
}

TEST(Launcher, ExitStatusAndDeathBySignal) {
  ExitStatus seven = wait_exit(launch(spec_for({"/bin/sh", "-c", "exit 7"})).pid);
  EXPECT_EQ(seven.code, 7);
  EXPECT_EQ(seven.signal, 0);
  EXPECT_EQ(seven.describe(), "exit status 7");
  ExitStatus killed = wait_exit(launch(spec_for({"/bin/sh", "-c", "kill -9 $$"})).pid);
  EXPECT_EQ(killed.signal, SIGKILL);
  EXPECT_EQ(killed.code, -1);
  EXPECT_EQ(killed.shell_code(), 128 + SIGKILL);
  EXPECT_NE(killed.describe().find("killed by signal 9"), std::string::npos);
}

TEST(Launcher, ExactEnvironmentAndWorkingDirectory) {
  LaunchSpec spec = spec_for({"/usr/bin/env"});
  spec.env = Environment::exactly({"A=1", "B=two words"});
  spec.env.set("C", "3").unset("A");
  spec.out = Stdio::pipe();
  Child c = launch(spec);
  EXPECT_EQ(read_all(c.out), "B=two words\nC=3\n");
  EXPECT_TRUE(wait_exit(c.pid).ok());

  LaunchSpec pwd = spec_for({"pwd"}, 0, "/usr/share");  // a bare name: found on $PATH
  pwd.out = Stdio::pipe();
  Child p = launch(pwd);
  EXPECT_EQ(read_all(p.out), "/usr/share\n");
  wait_exit(p.pid);
}

TEST(Launcher, InheritedEnvironmentWithChanges) {
  ::setenv("PHAROCTL_LAUNCHER_KEEP", "kept", 1);
  ::setenv("PHAROCTL_LAUNCHER_DROP", "dropped", 1);
  LaunchSpec spec = spec_for({"/bin/sh", "-c", "echo \"$PHAROCTL_LAUNCHER_KEEP ${PHAROCTL_LAUNCHER_DROP:-gone} $NEW\""});
  spec.env.unset("PHAROCTL_LAUNCHER_DROP").set("NEW", "new");
  spec.out = Stdio::pipe();
  Child c = launch(spec);
  EXPECT_EQ(read_all(c.out), "kept gone new\n");
  wait_exit(c.pid);
}

TEST(Launcher, MissingProgramOrDirectoryIsALaunchErrorAndLeavesNoChild) {
  for (int death_signal : {0, SIGTERM}) {
    try {
      launch(spec_for({"/nonexistent/pharo"}, death_signal));
      FAIL();
    } catch (const LaunchError& e) {
      EXPECT_EQ(e.error(), ENOENT);
      EXPECT_NE(std::string(e.what()).find("/nonexistent/pharo"), std::string::npos);
    }
    try {
      launch(spec_for({"/bin/true"}, death_signal, "/nonexistent/dir"));
      FAIL();
    } catch (const LaunchError& e) {
      EXPECT_NE(std::string(e.what()).find("/nonexistent/dir: no such directory"), std::string::npos) << e.what();
    }
    EXPECT_THROW(launch(spec_for({"no-such-program-pharoctl"}, death_signal)), LaunchError);
  }
  errno = 0;
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);  // nothing left to reap
  EXPECT_EQ(errno, ECHILD);
}

// Both ways of starting (posix_spawn, and a clone of our own for a death signal) hand over 0-2 and the passed
// descriptors only, whatever we hold without close-on-exec. The child is a shell that lists
// its own descriptors with ls (dash opens none of its own for -c).
TEST(Launcher, NoDescriptorLeaksIntoTheChild) {
  int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  int passed = ::open("/etc/hostname", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(leaky, 0);
  ASSERT_GE(passed, 0);
  for (int death_signal : {0, SIGTERM}) {
    LaunchSpec spec = spec_for({"/bin/sh", "-c", "ls /proc/$$/fd; readlink /proc/$$/fd/3 || true"}, death_signal);
    spec.out = Stdio::pipe();
    spec.err = Stdio::pipe();
    Child c = launch(spec);
    EXPECT_EQ(read_all(c.out), "0\n1\n2\n") << "death signal " << death_signal;
    EXPECT_TRUE(wait_exit(c.pid).ok());

    spec.pass_fds = {passed};
    Child d = launch(spec);
    EXPECT_EQ(read_all(d.out), "0\n1\n2\n3\n/etc/hostname\n") << "death signal " << death_signal;
    EXPECT_TRUE(wait_exit(d.pid).ok());
  }
  ::close(leaky);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  ::close(passed);
}

// Whatever we block or handle (the supervisor blocks its signals for a signalfd, `remote` handles
// SIGTERM and ignores SIGINT), the child starts with an empty mask and those at their default;
// both ways of starting. A handler of ours must never run in the clone's child (it shares our
// memory until exec): this one would write `ran` if it did.
volatile sig_atomic_t ran = 0;
extern "C" void mark_ran(int) { ran = 1; }

TEST(Launcher, TheChildStartsWithDefaultSignalsAndAnEmptyMask) {
  struct sigaction handle {}, ignore {}, old_term {}, old_int {};
  handle.sa_handler = mark_ran;
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGTERM, &handle, &old_term);
  ::sigaction(SIGINT, &ignore, &old_int);
  sigset_t blocked, old_mask;
  ::sigemptyset(&blocked);
  ::sigaddset(&blocked, SIGCHLD);
  ::sigaddset(&blocked, SIGHUP);
  ::pthread_sigmask(SIG_BLOCK, &blocked, &old_mask);
  for (int death_signal : {0, SIGTERM}) {
    LaunchSpec spec = spec_for({"/bin/grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"}, death_signal);
    spec.out = Stdio::pipe();
    Child c = launch(spec);
    std::string text = read_all(c.out);
    EXPECT_TRUE(wait_exit(c.pid).ok());
    // grep reads its own state: what it was started with. (glibc's posix_spawn leaves its two
    // internal signals, 32 and 33, ignored: not ours to judge.)
    auto mask_of = [&text](const std::string& field) {
      size_t at = text.find(field + ":\t");
      return at == std::string::npos ? ~0ULL : std::stoull(text.substr(at + field.size() + 2, 16), nullptr, 16);
    };
    auto bit = [](int sig) { return 1ULL << (sig - 1); };
    EXPECT_EQ(mask_of("SigBlk"), 0ULL) << text;
    EXPECT_EQ(mask_of("SigIgn") & (bit(SIGINT) | bit(SIGTERM) | bit(SIGCHLD) | bit(SIGHUP)), 0ULL) << text;
  }
  EXPECT_EQ(ran, 0);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  ::sigaction(SIGINT, &old_int, nullptr);
}

TEST(Launcher, StdioWiring) {
  fs::path file = fs::temp_directory_path() / fmt::format("pharoctl-launcher-{}.log", ::getpid());
  fs::remove(file);
  LaunchSpec spec = spec_for({"/bin/sh", "-c", "echo one; echo two >&2; echo three"});
  spec.out = Stdio::append_to(file);
  spec.err = Stdio::append_to(file);
  EXPECT_TRUE(wait_exit(launch(spec).pid).ok());
  EXPECT_TRUE(wait_exit(launch(spec).pid).ok());  // appended, one offset for both
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "one\ntwo\nthree\none\ntwo\nthree\n");
  fs::remove(file);

  // stdout onto our stdout's number from a descriptor among 0-2: the order of dup2s is safe.
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  LaunchSpec swap = spec_for({"/bin/sh", "-c", "cat; echo err >&2"});
  swap.in = Stdio::null();
  swap.out = Stdio::pipe();
  swap.err = Stdio::same_as_stdout();
  Child c = launch(swap);
  EXPECT_EQ(read_all(c.out), "err\n");  // stdin was /dev/null: cat ends at once
  wait_exit(c.pid);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(Launcher, ProcessGroupAndSession) {
  LaunchSpec spec = spec_for({"/bin/sleep", "10"});
  Child grouped = launch(spec);
  EXPECT_EQ(::getpgid(grouped.pid), grouped.pid);
  spec.group = ProcessGroup::NewSession;
  Child session = launch(spec);
  EXPECT_EQ(::getsid(session.pid), session.pid);
  spec.group = ProcessGroup::Ours;
  Child ours = launch(spec);
  EXPECT_EQ(::getpgid(ours.pid), ::getpgrp());
  for (pid_t pid : {grouped.pid, session.pid, ours.pid}) {
    ::kill(pid, SIGKILL);
    EXPECT_EQ(wait_exit(pid).signal, SIGKILL);
  }
}

TEST(Launcher, ParentDeathSignalReachesTheChild) {
  // A middle process launches the child, reports its pid and exits: the child must go too.
  int report[2];
  ASSERT_EQ(::pipe2(report, O_CLOEXEC), 0);
  pid_t middle = ::fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    pid_t pid = launch(spec_for({"/bin/sleep", "30"}, SIGTERM)).pid;
    (void)!::write(report[1], &pid, sizeof pid);
    ::_exit(0);
  }
  ::close(report[1]);
  pid_t child = 0;
  ASSERT_EQ(::read(report[0], &child, sizeof child), static_cast<ssize_t>(sizeof child));
  ::close(report[0]);
  EXPECT_TRUE(wait_exit(middle).ok());
  EXPECT_TRUE(ends_within(child, 5000ms));
}

TEST(Launcher, WaitHandlesEchildAndRetriesOnEintr) {
  ExitStatus none = wait_exit(1);  // not our child: ECHILD at once, no spinning
  EXPECT_TRUE(none.lost);
  EXPECT_EQ(none.shell_code(), 1);
  Child c = launch(spec_for({"/bin/true"}));
  EXPECT_TRUE(wait_exit(c.pid).ok());
  EXPECT_TRUE(wait_exit(c.pid).lost);  // reaped already

  // A signal handler without SA_RESTART interrupts waitpid: the wait goes on.
  struct sigaction note {}, old {};
  note.sa_handler = [](int) {};
  ::sigaction(SIGALRM, &note, &old);
  itimerval every{{0, 20'000}, {0, 20'000}};
  ::setitimer(ITIMER_REAL, &every, nullptr);
  int interruptions = 0;
  Child s = launch(spec_for({"/bin/sh", "-c", "sleep 0.3; exit 4"}));
  ExitStatus st = wait_exit(s.pid, [&] { ++interruptions; });
  itimerval off{};
  ::setitimer(ITIMER_REAL, &off, nullptr);
  ::sigaction(SIGALRM, &old, nullptr);
  EXPECT_EQ(st.code, 4);
  EXPECT_GT(interruptions, 0);
}

TEST(Launcher, WaitWithin) {
  Child c = launch(spec_for({"/bin/sleep", "10"}));
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(wait_exit_within(c.pid, 100ms));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
  ::kill(c.pid, SIGTERM);
  auto st = wait_exit_within(c.pid, 5000ms);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->signal, SIGTERM);
}

// run_command's deadline ends the program and everything it started (its process group).
TEST(Launcher, TimeoutKillsTheWholeGroup) {
  RunRequest req;
  req.argv = {"/bin/sh", "-c", "sleep 30 & echo $!; sleep 30"};
  req.timeout = 300ms;
  RunResult r = run_command(req);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(r.elapsed, 5s);
  EXPECT_NE(r.describe().find("timed out"), std::string::npos);
  pid_t grandchild = std::stoi(r.output);
  EXPECT_TRUE(ends_within(grandchild, 5000ms));
}

TEST(Launcher, CaptureIsBoundedAndStderrKeptApart) {
  RunRequest req;
  req.argv = {"/bin/sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo out$i; echo err$i >&2; i=$((i+1)); done"};
  req.keep_tail = 100;
  req.merge_stderr = false;
  std::vector<std::string> lines;
  req.on_output = [&](const std::string* line) {
    if (line) lines.push_back(*line);
  };
  RunResult r = run_command(req);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r.output.size(), 100u);
  EXPECT_LE(r.errors.size(), 100u);
  EXPECT_EQ(last_lines(r.output, 1), "out2999");
  EXPECT_EQ(last_lines(r.errors, 1), "err2999");
  ASSERT_EQ(lines.size(), 3000u);  // every stdout line, no stderr line
  EXPECT_EQ(lines.front(), "out0");
}

}  // namespace
}  // namespace pharoctl
