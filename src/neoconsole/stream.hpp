#pragma once
// A byte stream to a NeoConsole REPL and the ways to open one: a TCP connection to a loopback
// port, or an `ssh -W` forward to the loopback port of another machine. Both end up as one
// connected socket descriptor, so the protocol client does not care which it has.
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace pharoctl::neoconsole {

using Clock = std::chrono::steady_clock;

// Owns the descriptor, and the ssh child behind it when there is one (reaped on close).
class Stream {
 public:
  Stream() = default;
  Stream(int fd, pid_t child, int child_stderr) : fd_(fd), child_(child), child_stderr_(child_stderr) {}
  ~Stream() { close(); }
  Stream(Stream&& other) noexcept;
  Stream& operator=(Stream&& other) noexcept;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  int fd() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  // What the ssh child said on stderr so far, trimmed to its last line ("" for TCP).
  std::string child_diagnostic() const;
  void close();

 private:
  int fd_ = -1;
  pid_t child_ = -1;
  int child_stderr_ = -1;  // a memfd the child writes its stderr into
};

class Dialer {
 public:
  virtual ~Dialer() = default;
  // Opens a new stream or throws Failure: kExitNotRunning when nothing listens there.
  virtual Stream dial(Clock::time_point deadline) = 0;
  // Where it goes, for messages: "127.0.0.1:42001", "127.0.0.1:42001 on deploy@web1".
  virtual std::string where() const = 0;
};

// TCP to 127.0.0.1:port. The REPL is only ever reached over loopback.
std::unique_ptr<Dialer> loopback_dialer(int port);

// `ssh [options] -W 127.0.0.1:PORT TARGET` with the stream on ssh's stdin/stdout: no port is
// opened on either machine. `ssh_command` is the ssh program and its options, run by /bin/sh
// (like GIT_SSH_COMMAND), e.g. "ssh" or "ssh -p 2222 -i key".
std::unique_ptr<Dialer> ssh_dialer(std::string ssh_command, std::string target, int port);

// Runs `ssh_command TARGET REMOTE_COMMAND` and returns its stdout; throws Failure with ssh's
// last stderr line when it fails or exceeds the timeout.
std::string ssh_capture(const std::string& ssh_command, const std::string& target,
                        const std::string& remote_command, std::chrono::milliseconds timeout);

}  // namespace pharoctl::neoconsole
