#include "supervise/health_probe.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "net/http_client.hpp"
#include "service/service_config.hpp"
#include "supervise/probe_socket.hpp"

namespace pharoctl {

namespace {

// SO_ERROR: what a connect in progress came to (0: connected or still on its way).
int pending_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  return err;
}

}  // namespace

void HealthProbe::cancel() {
  close_abortively(sock_);
  active_ = false;
}

short HealthProbe::poll_events() const {
  if (!connected_ || sent_ < request_.size()) return POLLOUT;
  return POLLIN;
}

void HealthProbe::finish(const Clock& clock, bool ok, std::string detail) {
  result_.ok = ok;
  result_.detail = std::move(detail);
  result_.latency_ms = std::chrono::duration<double, std::milli>(clock.steady() - started_).count();
  result_.at = clock.wall();
  close_abortively(sock_);
  active_ = false;
}

void HealthProbe::start(const std::string& url, const std::string& expect, const Clock& clock,
                        std::chrono::milliseconds timeout, UniqueFd spare) {
  cancel();
  spare_.reset();
  active_ = true;
  connected_ = false;
  sent_ = 0;
  response_.clear();
  expect_ = expect;
  timeout_ = timeout;
  started_ = clock.steady();
  deadline_ = started_ + timeout;
  HttpUrl u;
  if (!parse_http_url(url, u)) return finish(clock, false, "not an http:// URL: " + url);
  std::string resolve_error;
  AddressList addresses = resolve_tcp(u, resolve_error);
  if (!addresses) return finish(clock, false, resolve_error);
  const addrinfo* ai = addresses.get();
  int fd = spare.valid() ? spare.release()
                         : ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return finish(clock, false, std::strerror(errno));
  sock_.reset(fd);
  int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
  int err = errno;
  request_ = format_http_request("GET", u, "pharoctl-supervisor");
  if (rc == 0) {
    on_connected(clock);
  } else if (err == ECONNREFUSED) {
    return refused(clock, err);
  } else if (err != EINPROGRESS) {
    return finish(clock, false, std::strerror(err));
  } else if (int early = pending_error(fd); early != 0) {
    // On loopback the refusal (RST) is handled within connect(2) itself, yet a non-blocking
    // connect reports EINPROGRESS: asking at once spares a starting VM's every probe a round
    // of the poll loop.
    return early == ECONNREFUSED ? refused(clock, early) : finish(clock, false, std::strerror(early));
  }
}

void HealthProbe::refused(const Clock& clock, int err) {
  // Disconnected, the socket takes a new connect (and a new ephemeral port) at once; without
  // it the next connect would only report ECONNABORTED.
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  if (::connect(sock_.get(), &unspec, sizeof unspec) == 0) spare_ = std::move(sock_);
  finish(clock, false, std::strerror(err));
}

void HealthProbe::on_connected(const Clock& clock) {
  connected_ = true;
  if (connected_to_itself(sock_.get()))
    finish(clock, false, "Connection refused (nothing listens; the probe met itself)");
}

bool HealthProbe::advance(const Clock& clock) {
  if (!active_) return true;
  if (clock.steady() >= deadline_) {
    finish(clock, false, fmt::format("no answer within {}", format_duration(timeout_)));
    return true;
  }
  if (!connected_) {
    if (int err = pending_error(sock_.get()); err != 0) {
      if (err == ECONNREFUSED) refused(clock, err);
      else finish(clock, false, std::strerror(err));
      return true;
    }
    on_connected(clock);
    if (!active_) return true;
  }
  while (sent_ < request_.size()) {
    ssize_t n = ::send(sock_.get(), request_.data() + sent_, request_.size() - sent_, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN) return false;
      if (errno == EINTR) continue;
      finish(clock, false, std::strerror(errno));
      return true;
    }
    sent_ += static_cast<size_t>(n);
  }
  // 1 KiB at a time: a health answer is a few hundred bytes, and the loop's stack stays within
  // the pages it keeps resident (docs/supervisor.md, "Where its memory goes").
  char buf[1024];
  for (;;) {
    ssize_t n = ::recv(sock_.get(), buf, sizeof buf, 0);
    if (n > 0) {
      response_.append(buf, static_cast<size_t>(n));
      if (response_.size() > 1 << 20) {
        evaluate(clock);
        return true;
      }
      continue;
    }
    if (n == 0) {
      evaluate(clock);
      return true;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // A complete answer with Content-Length need not wait for the close.
      size_t end = response_.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::string head = response_.substr(0, end);
        for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t cl = head.find("\ncontent-length:");
        if (cl != std::string::npos) {
          size_t want = std::strtoul(head.c_str() + cl + 16, nullptr, 10);
          if (response_.size() - end - 4 >= want) {
            evaluate(clock);
            return true;
          }
        }
      }
      return false;
    }
    finish(clock, false, std::strerror(errno));
    return true;
  }
}

void HealthProbe::evaluate(const Clock& clock) {
  if (response_.rfind("HTTP/1.", 0) != 0 || response_.size() < 12) {
    return finish(clock, false, response_.empty() ? "connection closed without an answer" : "not an HTTP answer");
  }
  int status = std::atoi(response_.c_str() + 9);
  size_t end = response_.find("\r\n\r\n");
  std::string body = end == std::string::npos ? std::string() : response_.substr(end + 4);
  if (status != 200) return finish(clock, false, fmt::format("HTTP {}", status));
  if (!expect_.empty() && body.find(expect_) == std::string::npos) {
    std::string first = body.substr(0, body.find('\n'));
    if (first.size() > 80) first = first.substr(0, 80) + "...";
    return finish(clock, false, fmt::format("answer lacks \"{}\": {}", expect_, first));
  }
  finish(clock, true, "200 OK");
}

}  // namespace pharoctl
