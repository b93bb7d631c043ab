#include "neoconsole/stream.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "util/failure.hpp"

extern char** environ;

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

// Reaps our own child: it normally exits once its stdin closes; one that lingers is ours to end.
void reap(pid_t child) {
  if (child <= 0) return;
  auto deadline = Clock::now() + std::chrono::seconds(2);
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(child, &status, WNOHANG);
    if (r == child || (r < 0 && errno != EINTR)) return;
    if (Clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(child, SIGTERM);
  while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
  }
}

struct SpawnedSsh {
  pid_t pid;
  int stderr_fd;
};

// /bin/sh -c '<ssh_command> "$@"' pharoctl-ssh ARGS..., with stdin/stdout on the given fds and
// stderr into a memfd the caller reads for diagnostics.
SpawnedSsh spawn_ssh(const std::string& ssh_command, const std::vector<std::string>& args, int in_fd, int out_fd) {
  int err_fd = ::memfd_create("pharoctl-ssh-stderr", MFD_CLOEXEC);
  if (err_fd < 0) throw operation_failed(fmt::format("memfd_create: {}", std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_fd, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  std::vector<std::string> argv_s = {"/bin/sh", "-c", ssh_command + " \"$@\"", "pharoctl-ssh"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, "/bin/sh", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ::close(err_fd);
    throw operation_failed(fmt::format("cannot start ssh: {}", std::strerror(rc)));
  }
  return {pid, err_fd};
}

class LoopbackDialer : public Dialer {
 public:
  explicit LoopbackDialer(int port) : port_(port) {}

  Stream dial(Clock::time_point deadline) override {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) throw operation_failed(fmt::format("socket: {}", std::strerror(errno)));
    Stream stream(fd, -1, -1);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
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
                      sv[1], sv[1]);
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
  // Give ssh a moment to finish its message: it writes it just before it exits.
  if (child_ > 0) {
    auto deadline = Clock::now() + std::chrono::seconds(2);
    while (Clock::now() < deadline) {
      siginfo_t info{};
      if (::waitid(P_PID, static_cast<id_t>(child_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == child_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
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
  int out[2];
  if (::pipe2(out, O_CLOEXEC) < 0) throw operation_failed(fmt::format("pipe: {}", std::strerror(errno)));
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  SpawnedSsh ssh;
  try {
    ssh = spawn_ssh(ssh_command, {"--", target, remote_command}, devnull, out[1]);
  } catch (...) {
    ::close(out[0]);
    ::close(out[1]);
    ::close(devnull);
    throw;
  }
  ::close(out[1]);
  ::close(devnull);
  Stream guard(out[0], ssh.pid, ssh.stderr_fd);  // reaps ssh and closes everything on the way out
  std::string text;
  auto deadline = Clock::now() + timeout;
  char buf[8192];
  for (;;) {
    pollfd p{out[0], POLLIN, 0};
    int r = ::poll(&p, 1, remaining_ms(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {
      throw operation_failed(fmt::format("ssh {} '{}': no answer within {} ms", target, remote_command, timeout.count()));
    }
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  while (::waitpid(ssh.pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string diagnostic = last_line(read_memfd(ssh.stderr_fd));
  guard.close();  // ssh is reaped already; its waitpid finds no child and kills nothing
  // A command may say what it has to say with a non-zero exit (`status` answers 3 for a
  // stopped service): its output is the caller's to judge. No output at all is a failure.
  if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && text.empty())) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    throw operation_failed(fmt::format("ssh {} '{}' failed (exit {}){}{}", target, remote_command, code,
                                       diagnostic.empty() ? "" : ": ", diagnostic));
  }
  return text;
}

std::string shell_quote(const std::string& word) {
  bool plain = !word.empty();
  for (char c : word) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::strchr("@%+=:,./_-", c) != nullptr;
    if (!ok) plain = false;
  }
  if (plain) return word;
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace pharoctl::neoconsole
