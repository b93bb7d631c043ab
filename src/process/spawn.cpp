#include "process/spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "process/descriptors.hpp"
#include "process/proc_info.hpp"
#include "util/failure.hpp"

extern char** environ;

namespace pharoctl {

namespace {

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

Pipe make_pipe(int flags) {
  int fds[2];
  if (::pipe2(fds, flags) != 0) throw operation_failed(fmt::format("pipe: {}", std::strerror(errno)));
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::string name_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

// Runs in the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void child_exec(const SpawnSpec& spec, char* const* argv, char* const* envp, int out_fd, int err_fd,
                             int report_fd, pid_t parent) {
  sigset_t all;
  ::sigemptyset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);  // the supervisor blocks signals for its signalfd
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGPIPE, SIGQUIT}) ::signal(s, SIG_DFL);
  if (spec.new_session) {
    ::setsid();
  } else if (spec.new_process_group) {
    ::setpgid(0, 0);
  }
  if (spec.parent_death_signal != 0) {
    ::prctl(PR_SET_PDEATHSIG, spec.parent_death_signal);
    if (::getppid() != parent) ::_exit(127);  // the parent already died
  }
  int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (in >= 0) ::dup2(in, 0);
  ::dup2(out_fd, 1);
  ::dup2(err_fd, 2);
  close_descriptors_from_3_on_exec();  // whatever our caller inherited stays with us
  if (!spec.cwd.empty() && ::chdir(spec.cwd.c_str()) != 0) {
    int e = errno;
    ssize_t w = ::write(report_fd, &e, sizeof e);
    (void)w;
    ::_exit(127);
  }
  ::execve(argv[0], argv, envp);
  int e = errno;
  ssize_t w = ::write(report_fd, &e, sizeof e);
  (void)w;
  ::_exit(127);
}

}  // namespace

std::vector<std::string> environment_with(const std::vector<std::string>& extra, const std::vector<std::string>& drop) {
  std::vector<std::string> env;
  auto overridden = [&](const std::string& name) {
    for (const auto& d : drop)
      if (d == name) return true;
    for (const auto& e : extra)
      if (name_of(e) == name) return true;
    return false;
  };
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    if (!overridden(name_of(entry))) env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

SpawnedChild spawn_child(const SpawnSpec& spec) {
  if (spec.argv.empty()) throw operation_failed("spawn: empty command line");
  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  Pipe out, err;
  UniqueFd file;
  if (spec.capture_output) {
    out = make_pipe(O_CLOEXEC);
    err = make_pipe(O_CLOEXEC);
  } else {
    const char* target = spec.output_file.empty() ? "/dev/null" : spec.output_file.c_str();
    int fd = ::open(target, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) throw operation_failed(fmt::format("{}: {}", target, std::strerror(errno)));
    file.reset(fd);
  }
  Pipe report = make_pipe(O_CLOEXEC);
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) throw operation_failed(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    int o = spec.capture_output ? out.write.get() : file.get();
    int e = spec.capture_output ? err.write.get() : file.get();
    child_exec(spec, argv.data(), envp.data(), o, e, report.write.get(), parent);
  }
  report.write.reset();
  out.write.reset();
  err.write.reset();

  SpawnedChild child;
  child.pid = pid;
  if (auto st = read_proc_stat(pid)) child.start_ticks = st->start_ticks;
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(report.read.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    // exec failed: the child exits at once; reap it here so that nobody mistakes it for a VM.
    ::waitpid(pid, nullptr, 0);
    throw Failure(kExitFailed, fmt::format("cannot execute {}: {}", spec.argv[0], std::strerror(child_errno)));
  }
  if (spec.capture_output) {
    ::fcntl(out.read.get(), F_SETFL, O_NONBLOCK);
    ::fcntl(err.read.get(), F_SETFL, O_NONBLOCK);
    child.out = std::move(out.read);
    child.err = std::move(err.read);
  }
  return child;
}

}  // namespace pharoctl
