#include "net.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace sim {

int listen_loopback(int port) { return listen_tcp("127.0.0.1", port); }

int listen_tcp(const std::string& address, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw SocketError(fmt::format("socket: {}", std::strerror(errno)));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    throw SocketError(fmt::format("not an IPv4 address: {}", address));
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    ::close(fd);
    throw SocketError(fmt::format("Address already in use: {}:{} ({})", address, port, std::strerror(err)));
  }
  if (::listen(fd, 64) != 0) {
    int err = errno;
    ::close(fd);
    throw SocketError(fmt::format("listen on port {}: {}", port, std::strerror(err)));
  }
  return fd;
}

void start_accept_loop(int listen_fd, std::function<void(int fd)> serve) {
  std::thread([listen_fd, serve = std::move(serve)] {
    while (true) {
      int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) continue;
        return;  // listening socket closed
      }
      std::thread([fd, serve] {
        serve(fd);
        ::close(fd);
      }).detach();
    }
  }).detach();
}

bool write_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

bool Connection::fill() {
  pollfd p{fd_, POLLIN, 0};
  int timeout = static_cast<int>(idle_.count());
  int r;
  do {
    r = ::poll(&p, 1, timeout);
  } while (r < 0 && errno == EINTR);
  if (r <= 0) return false;  // idle timeout or error
  char tmp[4096];
  ssize_t n;
  do {
    n = ::recv(fd_, tmp, sizeof tmp, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  buf_.append(tmp, static_cast<size_t>(n));
  return true;
}

std::optional<std::string> Connection::read_line() {
  while (true) {
    if (skip_lf_ && !buf_.empty()) {
      if (buf_[0] == '\n') buf_.erase(0, 1);
      skip_lf_ = false;
    }
    size_t end = buf_.find_first_of("\r\n");
    if (end != std::string::npos) {
      std::string line = buf_.substr(0, end);
      if (buf_[end] == '\r') {
        if (end + 1 < buf_.size()) {
          buf_.erase(0, end + (buf_[end + 1] == '\n' ? 2 : 1));
        } else {
          buf_.erase(0, end + 1);
          skip_lf_ = true;
        }
      } else {
        buf_.erase(0, end + 1);
      }
      return line;
    }
    if (!fill()) {
      if (buf_.empty()) return std::nullopt;
      std::string line = buf_;  // last line without an end
      buf_.clear();
      return line;
    }
  }
}

std::optional<std::string> Connection::read_bytes(size_t n) {
  if (skip_lf_ && !buf_.empty() && buf_[0] == '\n') buf_.erase(0, 1);
  skip_lf_ = false;
  while (buf_.size() < n)
    if (!fill()) return std::nullopt;
  std::string out = buf_.substr(0, n);
  buf_.erase(0, n);
  return out;
}

}  // namespace sim
