#include "process/launcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "process/descriptors.hpp"
#include "process/find_program.hpp"
#include "process/terminate.hpp"
#include "util/failure.hpp"

extern char** environ;

namespace pharoctl {

namespace {

std::string name_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

// Signals the child starts with at their default action, whatever we do with them (the
// supervisor blocks them for its signalfd, `remote` ignores SIGINT while ssh runs, a CLI may
// ignore SIGPIPE); the signal mask starts empty.
const int kDefaultSignals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM};

// What happens to the child's descriptors, in order, before it runs the program; the same
// plan for both ways of starting it below.
struct FdAction {
  int target;
  int source = -1;             // dup2(source, target), or
  const char* open = nullptr;  // open(open, flags) onto target
  int flags = 0;
};

struct Plan {
  std::vector<FdAction> actions;
  int close_from = 3;          // every descriptor from here up is closed in the child
  std::vector<UniqueFd> held;  // ours until the child has them: pipe ends, files, copies
  UniqueFd out_read, err_read;
};

[[noreturn]] void fail_errno(const std::string& what) {
  throw operation_failed(fmt::format("{}: {}", what, std::strerror(errno)));
}

// A copy of `fd` numbered `at_least` or higher, so that the child's dup2s cannot overwrite it.
int high_copy(Plan& plan, int fd, int at_least) {
  int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, at_least);
  if (copy < 0) fail_errno(fmt::format("cannot pass descriptor {}", fd));
  plan.held.emplace_back(copy);
  return copy;
}

void plan_stdio(Plan& plan, int target, const Stdio& s, const std::filesystem::path& out_file, int out_file_fd) {
  switch (s.kind) {
    case Stdio::Kind::Inherit: return;
    case Stdio::Kind::Null: plan.actions.push_back({target, -1, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY}); return;
    case Stdio::Kind::Fd:
      // A source among 0-2 may be replaced before it is read (stdout from 0): copy it up first.
      plan.actions.push_back({target, s.fd < 3 && s.fd != target ? high_copy(plan, s.fd, 3) : s.fd});
      return;
    case Stdio::Kind::File: {
      if (target == 2 && out_file_fd >= 0 && s.file == out_file) {
        plan.actions.push_back({target, out_file_fd});  // both into one file: one open, one offset
        return;
      }
      int fd = ::open(s.file.c_str(), (target == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_APPEND) | O_CLOEXEC, 0640);
      if (fd < 0) fail_errno(s.file.string());
      plan.held.emplace_back(fd);
      plan.actions.push_back({target, fd});
      return;
    }
    case Stdio::Kind::Pipe: {
      if (target == 0) throw std::logic_error("launch: Stdio::pipe() is for stdout and stderr");
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0) fail_errno("pipe");
      ::fcntl(fds[0], F_SETFL, O_NONBLOCK);  // our end only: a VM's writes must block, not fail
      (target == 1 ? plan.out_read : plan.err_read).reset(fds[0]);
      plan.held.emplace_back(fds[1]);
      plan.actions.push_back({target, fds[1]});
      return;
    }
    case Stdio::Kind::SameAsStdout:
      if (target != 2) throw std::logic_error("launch: Stdio::same_as_stdout() is for stderr");
      plan.actions.push_back({2, 1});
      return;
  }
}

Plan make_plan(const LaunchSpec& spec) {
  Plan plan;
  plan_stdio(plan, 0, spec.in, {}, -1);
  plan_stdio(plan, 1, spec.out, {}, -1);
  int out_file_fd = spec.out.kind == Stdio::Kind::File ? plan.actions.back().source : -1;
  plan_stdio(plan, 2, spec.err, spec.out.file, out_file_fd);
  const int n = static_cast<int>(spec.pass_fds.size());
  for (int i = 0; i < n; ++i) plan.actions.push_back({3 + i, high_copy(plan, spec.pass_fds[static_cast<size_t>(i)], 3 + n)});
  plan.close_from = 3 + n;
  return plan;
}

std::vector<char*> pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

bool bare_name(const std::string& program) { return program.find('/') == std::string::npos; }

// The usual way: glibc's posix_spawn (clone with CLONE_VFORK: no copy of our page tables, and
// exec errors come back as its result).
int start_with_posix_spawn(const LaunchSpec& spec, const Plan& plan, char* const* argv, char* const* envp, pid_t& pid) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  for (const FdAction& a : plan.actions) {
    // dup2 onto itself clears close-on-exec (glibc >= 2.29), as a passed descriptor needs.
    if (a.open) posix_spawn_file_actions_addopen(&fa, a.target, a.open, a.flags, 0);
    else posix_spawn_file_actions_adddup2(&fa, a.source, a.target);
  }
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, spec.cwd.c_str());
  posix_spawn_file_actions_addclosefrom_np(&fa, plan.close_from);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (spec.group == ProcessGroup::New) flags |= POSIX_SPAWN_SETPGROUP;
  if (spec.group == ProcessGroup::NewSession) flags |= POSIX_SPAWN_SETSID;
  posix_spawnattr_setflags(&attr, flags);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : kDefaultSignals) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  int rc = bare_name(spec.argv[0]) ? ::posix_spawnp(&pid, argv[0], &fa, &attr, argv, envp)
                                   : ::posix_spawn(&pid, argv[0], &fa, &attr, argv, envp);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  return rc;
}

// Runs in the child, which shares our memory until it execs: only async-signal-safe calls, no
// allocation. Returns only on failure (errno set). Every handler pharoctl installs is for a
// signal of kDefaultSignals: those go back to their default before the mask (all blocked by the
// parent around the clone) is emptied, so that no handler of ours ever runs in the child.
void exec_in_child(const LaunchSpec& spec, const Plan& plan, const char* program, char* const* argv, char* const* envp,
                   pid_t parent) {
  for (int s : kDefaultSignals) ::signal(s, SIG_DFL);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (spec.group == ProcessGroup::NewSession) ::setsid();
  if (spec.group == ProcessGroup::New) ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, spec.parent_death_signal);
  if (::getppid() != parent) ::_exit(127);  // the parent died before the death signal was set
  for (const FdAction& a : plan.actions) {
    int source = a.source;
    if (a.open && (source = ::open(a.open, a.flags)) < 0) return;
    if (source == a.target) {
      ::fcntl(a.target, F_SETFD, 0);
    } else if (::dup2(source, a.target) < 0) {
      return;
    }
    if (a.open && source != a.target) ::close(source);
  }
  if (!spec.cwd.empty() && ::chdir(spec.cwd.c_str()) != 0) return;
  close_descriptors_from_except(plan.close_from, -1);
  ::execve(program, argv, envp);
}

struct ChildStart {
  const LaunchSpec& spec;
  const Plan& plan;
  const char* program;
  char* const* argv;
  char* const* envp;
  pid_t parent;
  int error = 0;  // written by the child when it cannot exec (our memory is its memory)
};

int child_main(void* arg) {
  auto* c = static_cast<ChildStart*>(arg);
  exec_in_child(c->spec, c->plan, c->program, c->argv, c->envp, c->parent);
  c->error = errno;
  ::_exit(127);
}

// Only for a parent death signal, which posix_spawn cannot set (PR_SET_PDEATHSIG is a prctl the
// child must make itself): the plan applied by hand in a child made as posix_spawn makes its own,
// clone(CLONE_VM | CLONE_VFORK) on a stack of its own. Neither our page tables are copied nor
// our pages made copy-on-write (a fork costs both processes a fault per page they then write),
// and we resume once the child has exec'd, or has failed to with its errno in `error`. The
// supervisor spawns every VM, every restart, this way.
int start_with_clone(const LaunchSpec& spec, const Plan& plan, char* const* argv, char* const* envp, pid_t& pid) {
  std::string program = spec.argv[0];
  if (bare_name(program)) {
    program = find_on_path(program).string();
    if (program.empty()) return ENOENT;
  }
  ChildStart child{spec, plan, program.c_str(), argv, envp, ::getpid()};
  alignas(64) char stack[16384];  // the child's, for the few calls it makes before exec
  sigset_t all, mask;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &mask);
  pid = ::clone(child_main, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &child);
  int clone_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &mask, nullptr);
  if (pid < 0) return clone_errno;
  if (spec.group == ProcessGroup::New) ::setpgid(pid, pid);  // also here: no race with the child
  if (child.error == 0) return 0;
  wait_exit(pid);  // it has exited; reaped here so that nobody mistakes it for a program
  return child.error;
}

std::string start_failure(const LaunchSpec& spec, int err) {
  std::error_code ec;
  if (err == ENOENT && !spec.cwd.empty() && !std::filesystem::is_directory(spec.cwd, ec)) {
    return fmt::format("cannot execute {} in {}: no such directory", spec.argv[0], spec.cwd.string());
  }
  return fmt::format("cannot execute {}: {}", spec.argv[0], std::strerror(err));
}

}  // namespace

Environment Environment::exactly(std::vector<std::string> entries) {
  Environment e;
  e.inherit_ = false;
  e.base_ = std::move(entries);
  return e;
}

Environment& Environment::set(const std::string& name, std::string value) {
  changes_[name] = std::move(value);
  return *this;
}

Environment& Environment::unset(const std::string& name) {
  changes_[name] = std::nullopt;
  return *this;
}

std::vector<std::string> Environment::entries() const {
  std::vector<std::string> out;
  auto keep = [&](const char* entry) {
    std::string e(entry);
    if (changes_.count(name_of(e)) == 0) out.push_back(std::move(e));
  };
  if (inherit_) {
    for (char** e = environ; e && *e; ++e) keep(*e);
  } else {
    for (const std::string& e : base_) keep(e.c_str());
  }
  for (const auto& [name, value] : changes_) {
    if (value) out.push_back(name + "=" + *value);
  }
  return out;
}

Child launch(const LaunchSpec& spec) {
  if (spec.argv.empty()) throw operation_failed("launch: no program given");
  // Everything the child needs is prepared here, before it exists.
  Plan plan = make_plan(spec);
  std::vector<char*> argv = pointers(spec.argv);
  std::vector<std::string> resolved;
  if (!spec.env.is_exact_list()) resolved = spec.env.entries();
  std::vector<char*> envp = pointers(spec.env.is_exact_list() ? spec.env.base() : resolved);

  pid_t pid = -1;
  int err = spec.parent_death_signal != 0 ? start_with_clone(spec, plan, argv.data(), envp.data(), pid)
                                          : start_with_posix_spawn(spec, plan, argv.data(), envp.data(), pid);
  if (err != 0) throw LaunchError(err, start_failure(spec, err));
  Child child;
  child.pid = pid;
  child.out = std::move(plan.out_read);
  child.err = std::move(plan.err_read);
  return child;  // plan.held closes our copies of the child's ends
}

ExitStatus ExitStatus::from_wait_status(int status) {
  ExitStatus s;
  if (WIFEXITED(status)) s.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) s.signal = WTERMSIG(status);
  return s;
}

int ExitStatus::shell_code() const {
  if (lost) return 1;
  return signal != 0 ? 128 + signal : code;
}

std::string ExitStatus::describe() const {
  if (lost) return "exit status unknown (reaped elsewhere)";
  if (signal != 0) return fmt::format("killed by signal {} ({})", signal, strsignal(signal));
  return fmt::format("exit status {}", code);
}

ExitStatus wait_exit(pid_t pid, const std::function<void()>& on_interrupt) {
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, 0);
    if (r == pid) return ExitStatus::from_wait_status(status);
    if (r < 0 && errno == EINTR) {
      if (on_interrupt) on_interrupt();
      continue;
    }
    ExitStatus lost;  // ECHILD: nothing of ours to wait for, and it will not come back
    lost.lost = true;
    return lost;
  }
}

std::optional<ExitStatus> wait_exit_within(pid_t pid, std::chrono::milliseconds patience) {
  auto reap_now = [pid]() -> std::optional<ExitStatus> {
    int status = 0;
    pid_t r;
    while ((r = ::waitpid(pid, &status, WNOHANG)) < 0 && errno == EINTR) {
    }
    if (r == pid) return ExitStatus::from_wait_status(status);
    if (r < 0) return ExitStatus{-1, 0, true};
    return std::nullopt;
  };
  if (auto s = reap_now(); s || patience.count() <= 0) return s;
  wait_until_gone(pid, patience);  // on its pidfd: a wait on a condition, not a sleep loop
  return reap_now();
}

}  // namespace pharoctl
