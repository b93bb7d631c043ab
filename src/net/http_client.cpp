#include "net/http_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl {

namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// Waits until fd is ready for `events`; false on timeout.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, remaining_ms(deadline));
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string decode_chunked(const std::string& raw) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t eol = raw.find("\r\n", pos);
    if (eol == std::string::npos) break;
    size_t len = std::strtoul(raw.substr(pos, eol - pos).c_str(), nullptr, 16);
    pos = eol + 2;
    if (len == 0 || pos + len > raw.size()) break;
    out.append(raw, pos, len);
    pos += len + 2;
  }
  return out;
}

}  // namespace

bool parse_http_url(const std::string& url, HttpUrl& out) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return false;
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string port_text;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return false;
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return false;
      port_text = authority.substr(close + 2);
    }
  } else {
    size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return false;
  out.port = 80;
  if (!port_text.empty()) {
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(), ::isdigit)) return false;
    out.port = std::stoi(port_text);
    if (out.port < 1 || out.port > 65535) return false;
  }
  return true;
}

AddressList resolve_tcp(const HttpUrl& u, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port = std::to_string(u.port);
  if (int rc = ::getaddrinfo(u.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    error = fmt::format("cannot resolve {}: {}", u.host, ::gai_strerror(rc));
    return AddressList(nullptr, ::freeaddrinfo);
  }
  return AddressList(res, ::freeaddrinfo);
}

std::string format_http_request(const std::string& method, const HttpUrl& u, const std::string& user_agent) {
  std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  return fmt::format("{} {} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: {}\r\nConnection: close\r\n\r\n", method, u.path,
                     host, u.port, user_agent);
}

HttpResponse http_request(const std::string& method, const std::string& url, std::chrono::milliseconds timeout) {
  HttpUrl u;
  if (!parse_http_url(url, u)) throw operation_failed(fmt::format("{}: not an http://HOST:PORT/PATH URL", url));
  auto deadline = Clock::now() + timeout;

  std::string resolve_error;
  AddressList addresses = resolve_tcp(u, resolve_error);
  if (!addresses) throw operation_failed(fmt::format("{}: {}", url, resolve_error));
  std::string last_error = "no address";
  int connected = -1;
  for (addrinfo* ai = addresses.get(); ai && connected < 0; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      connected = fd;
      break;
    }
    if (errno == EINPROGRESS && wait_for(fd, POLLOUT, deadline)) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) {
        connected = fd;
        break;
      }
      last_error = std::strerror(err);
    } else {
      last_error = errno == EINPROGRESS ? "connect timed out" : std::strerror(errno);
    }
    ::close(fd);
  }
  if (connected < 0) throw operation_failed(fmt::format("{}: {}", url, last_error));
  Fd sock(connected);

  std::string request = format_http_request(method, u, std::string("pharoctl/") + PHAROCTL_VERSION);
  size_t sent = 0;
  while (sent < request.size()) {
    if (!wait_for(sock.get(), POLLOUT, deadline)) throw operation_failed(fmt::format("{}: timed out sending", url));
    ssize_t n = ::send(sock.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw operation_failed(fmt::format("{}: {}", url, std::strerror(errno)));
    }
    sent += static_cast<size_t>(n);
  }

  std::string raw;
  char buf[16384];
  size_t header_end = std::string::npos;
  long long content_length = -1;
  for (;;) {
    if (header_end != std::string::npos && content_length >= 0 &&
        raw.size() >= header_end + 4 + static_cast<size_t>(content_length)) {
      break;
    }
    if (header_end != std::string::npos && method == "HEAD") break;
    if (!wait_for(sock.get(), POLLIN, deadline)) {
      throw operation_failed(fmt::format("{}: timed out after {} ms waiting for the answer", url, timeout.count()));
    }
    ssize_t n = ::recv(sock.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw operation_failed(fmt::format("{}: {}", url, std::strerror(errno)));
    }
    if (n == 0) break;
    raw.append(buf, static_cast<size_t>(n));
    if (raw.size() > 64 * 1024 * 1024) throw operation_failed(fmt::format("{}: answer larger than 64 MiB", url));
    if (header_end == std::string::npos) {
      header_end = raw.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::string head = lower(raw.substr(0, header_end));
        auto cl = head.find("\r\ncontent-length:");
        if (cl != std::string::npos) content_length = std::strtoll(head.c_str() + cl + 17, nullptr, 10);
      }
    }
  }
  if (header_end == std::string::npos) {
    throw operation_failed(fmt::format("{}: the peer closed without an HTTP answer", url));
  }

  HttpResponse r;
  std::string head = raw.substr(0, header_end);
  size_t eol = head.find("\r\n");
  std::string status_line = head.substr(0, eol);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
    throw operation_failed(fmt::format("{}: not an HTTP answer: {}", url, status_line.substr(0, 60)));
  }
  r.status = std::atoi(status_line.c_str() + 9);
  size_t pos = eol == std::string::npos ? head.size() : eol + 2;
  while (pos < head.size()) {
    size_t next = head.find("\r\n", pos);
    if (next == std::string::npos) next = head.size();
    std::string line = head.substr(pos, next - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      r.headers[lower(line.substr(0, colon))] = value;
    }
    pos = next + 2;
  }
  if (method != "HEAD") {
    r.body = raw.substr(header_end + 4);
    if (content_length >= 0 && r.body.size() > static_cast<size_t>(content_length)) r.body.resize(static_cast<size_t>(content_length));
    auto te = r.headers.find("transfer-encoding");
    if (te != r.headers.end() && lower(te->second).find("chunked") != std::string::npos) r.body = decode_chunked(r.body);
  }
  return r;
}

}  // namespace pharoctl
