#pragma once
// Loopback TCP plumbing shared by the sim's servers: a listening socket on 127.0.0.1 only, an
// accept loop that gives each connection its own thread, and buffered reads with an idle timeout.
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace sim {

struct SocketError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Binds 127.0.0.1:port (SO_REUSEADDR) and listens; throws SocketError naming the port.
int listen_loopback(int port);
// Binds address:port (dotted IPv4; "0.0.0.0" is every interface) and listens.
int listen_tcp(const std::string& address, int port);

// Accepts forever on a detached thread; each connection is served on its own detached thread,
// which owns the fd (serve must not close it; it is closed after serve returns).
void start_accept_loop(int listen_fd, std::function<void(int fd)> serve);

bool write_all(int fd, const std::string& data);

class Connection {
 public:
  Connection(int fd, std::chrono::milliseconds idle) : fd_(fd), idle_(idle) {}
  // A line without its CR/LF/CRLF end; nullopt on end of input, error or idle timeout.
  std::optional<std::string> read_line();
  // Exactly n bytes (an HTTP body); nullopt when the peer stops short.
  std::optional<std::string> read_bytes(size_t n);
  int fd() const { return fd_; }

 private:
  bool fill();
  int fd_;
  std::chrono::milliseconds idle_;
  std::string buf_;
  bool skip_lf_ = false;  // a CR ended the last line; a following LF belongs to it
};

}  // namespace sim
