// http_request: the CLI's blocking HTTP/1.1 client for loopback endpoints (metrics, health
// URLs, quickstart), in the tree rather than on libcurl so that `health` and `metrics` map no
// TLS stack. The answer is parsed strictly: a short body, bad chunked framing or a non-HTTP
// answer is an error, never a silent truncation.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "net/http_client.hpp"
#include "util/failure.hpp"
#include "util/unique_fd.hpp"

namespace pharoctl {

namespace {

constexpr size_t kMaxBody = 64 * 1024 * 1024;
using Steady = std::chrono::steady_clock;

enum class Parse { Incomplete, Complete, Malformed };

int left_ms(Steady::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()).count();
  return ms > 0 ? static_cast<int>(std::min<long long>(ms, 1 << 30)) : 0;
}

// The status line and headers of `head` (without the blank line) into `r`.
bool parse_head(const std::string& head, HttpResponse& r) {
  if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12 || head[8] != ' ') return false;
  if (!std::isdigit(static_cast<unsigned char>(head[9])) || !std::isdigit(static_cast<unsigned char>(head[10])) ||
      !std::isdigit(static_cast<unsigned char>(head[11])))
    return false;
  r.status = std::stoi(head.substr(9, 3));
  r.headers.clear();
  for (size_t at = head.find("\r\n"); at != std::string::npos && at + 2 < head.size();) {
    size_t end = head.find("\r\n", at + 2);
    std::string line = head.substr(at + 2, end == std::string::npos ? std::string::npos : end - at - 2);
    at = end;
    size_t colon = line.find(':');
    if (colon == std::string::npos) return false;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t") + 1);
    r.headers[name] = value;
  }
  return true;
}

// A chunked body from `raw` at `at` into `body`.
Parse parse_chunked(const std::string& raw, size_t at, std::string& body) {
  body.clear();
  for (;;) {
    size_t eol = raw.find("\r\n", at);
    if (eol == std::string::npos) return Parse::Incomplete;
    std::string size_text = raw.substr(at, eol - at);
    size_text = size_text.substr(0, size_text.find(';'));  // chunk extensions
    if (size_text.empty() || size_text.size() > 8 || !std::all_of(size_text.begin(), size_text.end(), ::isxdigit))
      return Parse::Malformed;
    size_t size = std::stoul(size_text, nullptr, 16);
    at = eol + 2;
    if (size == 0) return raw.find("\r\n", at) == std::string::npos ? Parse::Incomplete : Parse::Complete;
    if (raw.size() < at + size + 2) return Parse::Incomplete;
    if (raw.compare(at + size, 2, "\r\n") != 0) return Parse::Malformed;
    body.append(raw, at, size);
    at += size + 2;
  }
}

// What has arrived so far, as an answer; `closed`: the peer has closed (a body without length
// ends there).
Parse parse_response(const std::string& raw, bool head_only, bool closed, HttpResponse& r) {
  size_t at = 0;
  for (;;) {
    size_t end = raw.find("\r\n\r\n", at);
    if (end == std::string::npos) {
      return raw.size() - at >= 7 && raw.compare(at, 7, "HTTP/1.") != 0 ? Parse::Malformed : Parse::Incomplete;
    }
    if (!parse_head(raw.substr(at, end - at), r)) return Parse::Malformed;
    at = end + 4;
    if (r.status >= 200 || r.status < 100) break;  // 1xx: an interim answer, the real one follows
  }
  if (head_only || r.status == 204 || r.status == 304) return Parse::Complete;
  auto te = r.headers.find("transfer-encoding");
  if (te != r.headers.end() && te->second.find("chunked") != std::string::npos) return parse_chunked(raw, at, r.body);
  auto cl = r.headers.find("content-length");
  if (cl != r.headers.end()) {
    if (cl->second.empty() || cl->second.size() > 12 || !std::all_of(cl->second.begin(), cl->second.end(), ::isdigit))
      return Parse::Malformed;
    size_t length = std::stoull(cl->second);
    if (raw.size() - at < length) return Parse::Incomplete;
    r.body = raw.substr(at, length);
    return Parse::Complete;
  }
  if (!closed) return Parse::Incomplete;  // the body ends with the connection: copied once, then
  r.body = raw.substr(at);
  return Parse::Complete;
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
  std::string raw;
  HttpResponse r;
  for (bool closed = false;;) {
    Parse p = parse_response(raw, method == "HEAD", closed, r);
    if (p == Parse::Complete) return r;
    if (p == Parse::Malformed) throw operation_failed(fmt::format("{}: malformed HTTP answer", url));
    if (closed) {
      throw operation_failed(fmt::format("{}: {}", url, raw.empty() ? "closed without an answer" : "answer cut short"));
    }
    if (raw.size() > kMaxBody) throw operation_failed(fmt::format("{}: answer larger than 64 MiB", url));
    wait_for(fd.get(), POLLIN, deadline, url, timeout);
    char buf[16384];
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) throw operation_failed(fmt::format("{}: {}", url, std::strerror(errno)));
    if (n == 0) closed = true;
    raw.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace pharoctl
