#include "neoconsole/stream.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "net/loopback_address.hpp"
#include "process/launcher.hpp"
#include "process/run_command.hpp"
#include "process/ssh_command.hpp"
#include "process/terminate.hpp"
#include "util/failure.hpp"

namespace pharoctl::neoconsole {

namespace {

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

std::string last_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  size_t nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

std::string read_memfd(int fd) {
  std::string out;
  if (fd < 0) return out;
  char buf[4096];
  off_t off = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, off);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    off += n;
  }
  return out;
}

// Reaps our own child: it normally exits once its stdin closes; one that lingers is ours to end
// (not reaped yet, so the pid is still its own).
void reap(pid_t child) {
  if (child <= 0) return;
  if (wait_exit_within(child, std::chrono::seconds(2))) return;
  ::kill(child, SIGTERM);
  wait_exit(child);
}

struct SpawnedSsh {
  pid_t pid;
  int stderr_fd;
};

// ssh with stdin and stdout on `fd` and stderr into a memfd the caller reads for diagnostics.
// In our process group, as before the launcher: a terminal's Ctrl-C ends it with us.
SpawnedSsh spawn_ssh(const std::string& ssh_command, const std::vector<std::string>& args, int fd) {
  int err_fd = ::memfd_create("pharoctl-ssh-stderr", MFD_CLOEXEC);
  if (err_fd < 0) throw operation_failed(fmt::format("memfd_create: {}", std::strerror(errno)));
  LaunchSpec spec;
  spec.argv = ssh_argv(ssh_command, args);
  spec.group = ProcessGroup::Ours;
  spec.in = Stdio::from_fd(fd);
  spec.out = Stdio::from_fd(fd);
  spec.err = Stdio::from_fd(err_fd);
  try {
    return {launch(spec).pid, err_fd};
  } catch (const Failure& f) {
    ::close(err_fd);
    throw operation_failed(fmt::format("cannot start ssh: {}", f.what()));
  }
}

class LoopbackDialer : public Dialer {
 public:
  explicit LoopbackDialer(int port) : port_(port) {}

  Stream dial(Clock::time_point deadline) override {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) throw operation_failed(fmt::format("socket: {}", std::strerror(errno)));
    Stream stream(fd, -1, -1);
    sockaddr_in addr = loopback_address(port_);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
      if (errno != EINPROGRESS) fail(errno);
      pollfd p{fd, POLLOUT, 0};
      int r;
      while ((r = ::poll(&p, 1, remaining_ms(deadline))) < 0 && errno == EINTR) {
      }
      if (r == 0) throw operation_failed(fmt::format("{}: no connection within the timeout", where()));
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) fail(err);
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return stream;
  }

  std::string where() const override { return fmt::format("127.0.0.1:{}", port_); }

 private:
  [[noreturn]] void fail(int err) const {
    if (err == ECONNREFUSED) {
      throw Failure(kExitNotRunning, fmt::format("nothing listens on {} (connection refused): is the service running?", where()));
    }
    throw operation_failed(fmt::format("cannot connect to {}: {}", where(), std::strerror(err)));
  }

  int port_;
};

class SshDialer : public Dialer {
 public:
  SshDialer(std::string ssh_command, std::string target, int port)
      : ssh_command_(std::move(ssh_command)), target_(std::move(target)), port_(port) {}

  Stream dial(Clock::time_point) override {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
      throw operation_failed(fmt::format("socketpair: {}", std::strerror(errno)));
    }
    SpawnedSsh ssh;
    try {
      ssh = spawn_ssh(ssh_command_, {"-o", "ExitOnForwardFailure=yes", "-W", fmt::format("127.0.0.1:{}", port_), "--", target_},
                      sv[1]);
    } catch (...) {
      ::close(sv[0]);
      ::close(sv[1]);
      throw;
    }
    ::close(sv[1]);
    // A failure to log in or to reach the port shows as end of stream before the greeting; the
    // client then asks the stream for ssh's own words (child_diagnostic).
    return Stream(sv[0], ssh.pid, ssh.stderr_fd);
  }

  std::string where() const override { return fmt::format("127.0.0.1:{} on {} (ssh)", port_, target_); }

 private:
  std::string ssh_command_;
  std::string target_;
  int port_;
};

}  // namespace

Stream::Stream(Stream&& other) noexcept
    : fd_(other.fd_), child_(other.child_), child_stderr_(other.child_stderr_) {
  other.fd_ = -1;
  other.child_ = -1;
  other.child_stderr_ = -1;
}

Stream& Stream::operator=(Stream&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    child_ = other.child_;
    child_stderr_ = other.child_stderr_;
    other.fd_ = -1;
    other.child_ = -1;
    other.child_stderr_ = -1;
  }
  return *this;
}

std::string Stream::child_diagnostic() const {
  if (child_stderr_ < 0) return "";
  // Give ssh a moment to finish its message: it writes it just before it exits. Waited for on
  // its pidfd (not reaped: close() does that).
  if (child_ > 0) wait_until_gone(child_, std::chrono::seconds(2));
  return last_line(read_memfd(child_stderr_));
}

void Stream::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  reap(child_);
  child_ = -1;
  if (child_stderr_ >= 0) ::close(child_stderr_);
  child_stderr_ = -1;
}

std::unique_ptr<Dialer> loopback_dialer(int port) { return std::make_unique<LoopbackDialer>(port); }

std::unique_ptr<Dialer> ssh_dialer(std::string ssh_command, std::string target, int port) {
  return std::make_unique<SshDialer>(std::move(ssh_command), std::move(target), port);
}

std::string ssh_capture(const std::string& ssh_command, const std::string& target, const std::string& remote_command,
                        std::chrono::milliseconds timeout) {
  RunRequest req;
  req.argv = ssh_argv(ssh_command, {"--", target, remote_command});
  req.timeout = timeout;
  req.merge_stderr = false;
  req.keep_tail = 64 * 1024 * 1024;  // the whole answer (a status document), bounded
  RunResult r;
  try {
    r = run_command(req);
  } catch (const Failure& f) {
    throw operation_failed(fmt::format("cannot start ssh: {}", f.what()));
  }
  if (r.timed_out) {
    throw operation_failed(fmt::format("ssh {} '{}': no answer within {} ms", target, remote_command, timeout.count()));
  }
  // A command may say what it has to say with a non-zero exit (`status` answers 3 for a
  // stopped service): its output is the caller's to judge. No output at all is a failure.
  if (r.signal != 0 || (r.exit_code != 0 && r.output.empty())) {
    std::string diagnostic = last_line(r.errors);
    throw operation_failed(fmt::format("ssh {} '{}' failed (exit {}){}{}", target, remote_command,
                                       r.signal != 0 ? 128 + r.signal : r.exit_code, diagnostic.empty() ? "" : ": ",
                                       diagnostic));
  }
  return r.output;
}

}  // namespace pharoctl::neoconsole
