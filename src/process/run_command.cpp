#include "process/run_command.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "process/pidfd.hpp"
#include "util/failure.hpp"

namespace pharoctl {

namespace {

using Clock = std::chrono::steady_clock;

// One of the child's output pipes: the last `bound` bytes that came through it, and its lines.
struct Capture {
  Capture(UniqueFd pipe, size_t keep, const std::function<void(const std::string*)>* lines)
      : fd(std::move(pipe)), bound(keep), on_line(lines) {}

  UniqueFd fd;
  size_t bound;
  const std::function<void(const std::string*)>* on_line;  // null: no lines wanted
  std::string kept;
  std::string pending;  // the current incomplete line

  void take(std::string_view chunk) {
    kept.append(chunk);
    if (kept.size() > 2 * bound) kept.erase(0, kept.size() - bound);
    if (!on_line) return;
    pending.append(chunk);
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string line = pending.substr(start, nl - start);
      (*on_line)(&line);
    }
    pending.erase(0, start);
  }

  // Reads what is there now; closes the pipe at its end.
  void drain() {
    char buf[8192];
    while (fd.valid()) {
      ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) fd.reset();
      if (n <= 0) return;
      take(std::string_view(buf, static_cast<size_t>(n)));
    }
  }

  std::string finish() {
    if (on_line && !pending.empty()) (*on_line)(&pending);
    fd.reset();
    if (kept.size() > bound) kept.erase(0, kept.size() - bound);
    return std::move(kept);
  }
};

int poll_ms(Clock::time_point now, Clock::time_point deadline) {
  int wait_ms = 200;
  if (deadline != Clock::time_point::max()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    if (left < wait_ms) wait_ms = static_cast<int>(left);
  }
  return wait_ms;
}

}  // namespace

std::string RunResult::describe() const {
  if (timed_out) return fmt::format("timed out after {:.1f}s and was killed", static_cast<double>(elapsed.count()) / 1000.0);
  return ExitStatus{exit_code, signal, false}.describe();
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
  LaunchSpec spec;
  spec.argv = request.argv;
  spec.env = request.env;
  spec.cwd = request.cwd;
  spec.group = ProcessGroup::New;  // so that a timeout kills the program and all it started, nothing else
  spec.in = Stdio::null();
  spec.out = Stdio::pipe();
  spec.err = request.merge_stderr ? Stdio::same_as_stdout() : Stdio::pipe();
  auto started = Clock::now();
  Child child = launch(spec);

  const auto* on_line = request.on_output ? &request.on_output : nullptr;
  Capture out{std::move(child.out), request.keep_tail, on_line};
  Capture err{std::move(child.err), request.keep_tail, nullptr};
  RunResult result;
  // The child's exit is watched through a pidfd as well as the pipes' ends: a grandchild that
  // inherited a pipe must not keep us waiting after the child itself is gone.
  UniqueFd pidfd(pidfd_open(child.pid));
  auto deadline = request.timeout.count() > 0 ? started + request.timeout : Clock::time_point::max();
  bool exited = false;
  while (!exited && (out.fd.valid() || err.fd.valid() || pidfd.valid())) {
    auto now = Clock::now();
    if (now >= deadline) {
      result.timed_out = true;
      ::kill(-child.pid, SIGKILL);  // its own group (ProcessGroup::New), not yet reaped
      break;
    }
    pollfd pfds[3] = {{out.fd.get(), POLLIN, 0}, {err.fd.get(), POLLIN, 0}, {pidfd.get(), POLLIN, 0}};
    int r = ::poll(pfds, 3, poll_ms(now, deadline));
    if (r < 0 && errno != EINTR) break;
    if (r <= 0) {
      if (request.on_output) request.on_output(nullptr);
      continue;
    }
    if (pfds[2].revents & POLLIN) exited = true;
    out.drain();  // what is there now (all of it once the child has exited)
    err.drain();
  }
  result.output = out.finish();
  result.errors = err.finish();
  ExitStatus status = wait_exit(child.pid);
  // The program may have left children of its own holding nothing; the group is ours to end.
  if (result.timed_out) ::kill(-child.pid, SIGKILL);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  result.exit_code = status.code;
  result.signal = status.signal;
  return result;
}

}  // namespace pharoctl
