#include "process/run_command.hpp"

#include "process/descriptors.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/failure.hpp"

extern char** environ;

namespace pharoctl {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> child_environment(const std::map<std::string, std::optional<std::string>>& changes) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    if (changes.count(name) == 0) out.push_back(std::move(entry));
  }
  for (const auto& [name, value] : changes) {
    if (value) out.push_back(name + "=" + *value);
  }
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string RunResult::describe() const {
  if (timed_out) return fmt::format("timed out after {:.1f}s and was killed", static_cast<double>(elapsed.count()) / 1000.0);
  if (signal != 0) return fmt::format("killed by signal {} ({})", signal, strsignal(signal));
  return fmt::format("exit status {}", exit_code);
}

std::string last_lines(const std::string& text, size_t lines) {
  if (lines == 0) return "";
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  size_t pos = end;
  size_t seen = 0;
  while (pos > 0) {
    if (text[pos - 1] == '\n' && ++seen == lines) break;
    --pos;
  }
  return text.substr(pos, end - pos);
}

RunResult run_command(const RunRequest& request) {
  if (request.argv.empty()) throw operation_failed("run_command: no program given");
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<std::string> args = request.argv;
  std::vector<char*> argv = pointers(args);
  std::vector<std::string> env_strings = child_environment(request.env);
  std::vector<char*> envp = pointers(env_strings);
  std::string cwd = request.cwd.string();

  int out_pipe[2];
  int err_pipe[2];  // carries errno when exec fails (closed by a successful exec)
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw operation_failed(fmt::format("cannot run {}: pipe: {}", args[0], std::strerror(errno)));
  }
  auto started = Clock::now();
  pid_t pid = ::fork();
  if (pid < 0) throw operation_failed(fmt::format("cannot run {}: fork: {}", args[0], std::strerror(errno)));
  if (pid == 0) {
    // Own process group, so that a timeout kills the VM and anything it started, nothing else.
    ::setpgid(0, 0);
    int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(out_pipe[1], 2);
    close_descriptors_from_3_on_exec();
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      int e = errno;
      (void)!::write(err_pipe[1], &e, sizeof e);
      ::_exit(127);
    }
    ::execvpe(argv[0], argv.data(), envp.data());
    int e = errno;
    (void)!::write(err_pipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here: no race with the child's own call
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  int exec_errno = 0;
  ssize_t got;
  do {
    got = ::read(err_pipe[0], &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  ::close(err_pipe[0]);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    ::close(out_pipe[0]);
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw operation_failed(fmt::format("cannot run {}: {}", args[0], std::strerror(exec_errno)));
  }

  RunResult result;
  std::string pending;  // the current incomplete line
  auto consume = [&](std::string_view chunk) {
    result.output.append(chunk);
    if (result.output.size() > 2 * request.keep_tail) {
      result.output.erase(0, result.output.size() - request.keep_tail);
    }
    if (!request.on_output) return;
    pending.append(chunk);
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string line = pending.substr(start, nl - start);
      request.on_output(&line);
    }
    pending.erase(0, start);
  };
  // The child's exit is watched through a pidfd as well as the pipe's end: a grandchild that
  // inherited the pipe must not keep us waiting after the child itself is gone.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  ::fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  auto deadline = request.timeout.count() > 0 ? started + request.timeout : Clock::time_point::max();
  char buf[8192];
  bool pipe_open = true;
  bool exited = false;
  while (!exited && (pipe_open || pidfd >= 0)) {
    auto now = Clock::now();
    if (now >= deadline) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    int wait_ms = 200;
    if (deadline != Clock::time_point::max()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
      if (left < wait_ms) wait_ms = static_cast<int>(left);
    }
    pollfd pfds[2] = {{pipe_open ? out_pipe[0] : -1, POLLIN, 0}, {pidfd, POLLIN, 0}};
    int r = ::poll(pfds, pidfd >= 0 ? 2 : 1, wait_ms);
    if (r < 0 && errno != EINTR) break;
    if (r <= 0) {
      if (request.on_output) request.on_output(nullptr);
      continue;
    }
    if (pidfd >= 0 && (pfds[1].revents & POLLIN)) exited = true;
    // Drain what is there now (all of it once the child has exited).
    while (pipe_open) {
      ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) pipe_open = false;
      if (n <= 0) break;
      consume(std::string_view(buf, static_cast<size_t>(n)));
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  if (request.on_output && !pending.empty()) request.on_output(&pending);
  ::close(out_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  // The launcher may have left children of its own holding nothing; the group is ours to end.
  if (result.timed_out) ::kill(-pid, SIGKILL);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  if (result.output.size() > request.keep_tail) result.output.erase(0, result.output.size() - request.keep_tail);
  return result;
}

}  // namespace pharoctl
