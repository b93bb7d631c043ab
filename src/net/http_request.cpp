// http_request: the CLI's blocking HTTP/1.1 client for loopback endpoints (metrics, health
// URLs, quickstart), in the tree rather than on libcurl so that `health` and `metrics` map no
// TLS stack. The answer is parsed strictly: a short body, bad chunked framing or a non-HTTP
// answer is an error, never a silent truncation.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "net/http_answer.hpp"
#include "net/http_client.hpp"
#include "util/failure.hpp"
#include "util/unique_fd.hpp"

namespace pharoctl {

namespace {

constexpr size_t kMaxBody = 64 * 1024 * 1024;
using Steady = std::chrono::steady_clock;

int left_ms(Steady::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()).count();
  return ms > 0 ? static_cast<int>(std::min<long long>(ms, 1 << 30)) : 0;
}

// Waits for `events` on `fd` until the deadline; throws the timeout.
void wait_for(int fd, short events, Steady::time_point deadline, const std::string& url, std::chrono::milliseconds timeout) {
  for (;;) {
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, left_ms(deadline));
    if (r > 0) return;
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw operation_failed(fmt::format("{}: poll: {}", url, std::strerror(errno)));
    throw operation_failed(fmt::format("{}: timed out after {} ms waiting for the answer", url, timeout.count()));
  }
}

// A connected socket to the first address of `u` that accepts.
UniqueFd connect_to(const HttpUrl& u, const std::string& url, Steady::time_point deadline, std::chrono::milliseconds timeout) {
  std::string error;
  AddressList addresses = resolve_tcp(u, error);
  if (!addresses) throw operation_failed(fmt::format("{}: {}", url, error));
  int last_errno = ECONNREFUSED;
  for (addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (!fd.valid()) continue;
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        last_errno = errno;
        continue;
      }
      wait_for(fd.get(), POLLOUT, deadline, url, timeout);
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        last_errno = err;
        continue;
      }
    }
    return fd;
  }
  throw operation_failed(fmt::format("{}: {}", url, std::strerror(last_errno)));
}

}  // namespace

HttpResponse http_request(const std::string& method, const std::string& url, std::chrono::milliseconds timeout) {
  HttpUrl u;
  if (!parse_http_url(url, u)) throw operation_failed(fmt::format("{}: not an http://HOST:PORT/PATH URL", url));
  auto deadline = Steady::now() + timeout;
  UniqueFd fd = connect_to(u, url, deadline, timeout);
  std::string request = format_http_request(method, u, "pharoctl/" PHAROCTL_VERSION);
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EAGAIN) wait_for(fd.get(), POLLOUT, deadline, url, timeout);
    else if (n < 0 && errno != EINTR) throw operation_failed(fmt::format("{}: {}", url, std::strerror(errno)));
    else if (n > 0) sent += static_cast<size_t>(n);
  }
  HttpAnswer answer(method == "HEAD");
  size_t received = 0;
  for (;;) {
    wait_for(fd.get(), POLLIN, deadline, url, timeout);
    char buf[16384];
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) throw operation_failed(fmt::format("{}: {}", url, std::strerror(errno)));
    received += static_cast<size_t>(n);
    HttpAnswer::State state = n == 0 ? answer.close() : answer.feed(std::string_view(buf, static_cast<size_t>(n)));
    if (state == HttpAnswer::State::Complete) return answer.take();
    if (state == HttpAnswer::State::Malformed) throw operation_failed(fmt::format("{}: malformed HTTP answer", url));
    if (n == 0) {
      throw operation_failed(fmt::format("{}: {}", url, received == 0 ? "closed without an answer" : "answer cut short"));
    }
    if (received > kMaxBody) throw operation_failed(fmt::format("{}: answer larger than 64 MiB", url));
  }
}

}  // namespace pharoctl
