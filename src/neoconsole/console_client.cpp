#include "neoconsole/console_client.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl::neoconsole {

namespace {

int poll_ms(std::optional<Clock::time_point> deadline) {
  if (!deadline) return -1;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string printable(std::string s) {
  if (s.size() > 60) s = s.substr(0, 60) + "...";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  return out;
}

// NeoConsole writes an answer and its prompt in separate small segments; with Nagle on the
// server's side the prompt waits for our ACK, which delayed ACK holds back ~40 ms. Asking for
// quick ACKs (re-armed before every read, the kernel drops it again) keeps a round trip at the
// speed of loopback. A no-op on the ssh socketpair.
void quick_ack(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

}  // namespace

ConsoleClient::ConsoleClient(std::unique_ptr<Dialer> dialer, std::chrono::milliseconds connect_timeout, int cancel_fd)
    : dialer_(std::move(dialer)), connect_timeout_(connect_timeout), cancel_fd_(cancel_fd), where_(dialer_->where()) {}

std::string ConsoleClient::closed_message() const {
  std::string why = stream_.child_diagnostic();
  return why.empty() ? std::string() : ": " + why;
}

void ConsoleClient::connect() {
  stream_.close();
  pending_.clear();
  auto deadline = Clock::now() + connect_timeout_;
  stream_ = dialer_->dial(deadline);
  // The greeting: one line "NeoConsole <version>" ("Neo Console" before 2021), then the prompt.
  std::string got;
  char buf[1024];
  for (;;) {
    size_t nl = got.find('\n');
    if (nl != std::string::npos && got.size() > nl + 1 && ends_with(got, "> ")) break;
    if (got.size() > 4096) break;
    quick_ack(stream_.fd());
    pollfd p[2] = {{stream_.fd(), POLLIN, 0}, {cancel_fd_, POLLIN, 0}};
    int r = ::poll(p, cancel_fd_ >= 0 ? 2 : 1, poll_ms(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {
      std::string msg = got.empty()
                            ? fmt::format("{} accepted the connection but sent no greeting within {} ms: not a NeoConsole REPL?",
                                          where_, connect_timeout_.count())
                            : fmt::format("{} answered '{}', not a NeoConsole greeting and prompt: is it the telnet port?",
                                          where_, printable(got));
      stream_.close();
      throw operation_failed(msg);
    }
    if (cancel_fd_ >= 0 && (p[1].revents & POLLIN)) {
      stream_.close();
      throw Cancelled{};
    }
    ssize_t n = ::read(stream_.fd(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    bool greeted = got.rfind("NeoConsole ", 0) == 0 || got.rfind("Neo Console ", 0) == 0;
    bool could_be_greeting = std::string("NeoConsole ").rfind(got.substr(0, 11), 0) == 0 ||
                             std::string("Neo Console ").rfind(got.substr(0, 12), 0) == 0;
    if (!greeted && !could_be_greeting) {
      // No need to wait for more: these bytes are not NeoConsole's.
      stream_.close();
      throw operation_failed(fmt::format("{} answered '{}', not a NeoConsole greeting: is it the telnet port?", where_,
                                         printable(got)));
    }
    if (n <= 0) {
      std::string msg = fmt::format("{} closed the connection {}{}", where_,
                                    got.empty() ? "before any greeting" : "after '" + printable(got) + "'", closed_message());
      stream_.close();
      throw operation_failed(msg);
    }
  }
  size_t nl = got.find('\n');
  std::string greeting = got.substr(0, nl == std::string::npos ? got.size() : nl);
  if (!greeting.empty() && greeting.back() == '\r') greeting.pop_back();
  std::string version;
  if (greeting.rfind("NeoConsole ", 0) == 0) {
    version = greeting.substr(11);
  } else if (greeting.rfind("Neo Console ", 0) == 0) {
    version = greeting.substr(12);
  } else {
    stream_.close();
    throw operation_failed(fmt::format("{} answered '{}', not a NeoConsole greeting: is it the telnet port?", where_,
                                       printable(greeting)));
  }
  std::string prompt = got.substr(nl + 1);
  if (prompt != "pharo> " && prompt != "> ") {
    stream_.close();
    throw operation_failed(fmt::format("{} greeted as NeoConsole but then sent '{}' instead of the prompt 'pharo> '", where_,
                                       printable(prompt)));
  }
  prompt_ = prompt;
  image_version_ = version;
}

bool ConsoleClient::peer_closed() {
  // Anything readable between requests is either end of stream (idle close) or stray bytes.
  for (;;) {
    pollfd p{stream_.fd(), POLLIN, 0};
    int r = ::poll(&p, 1, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    if (p.revents & (POLLHUP | POLLERR)) return true;
    char buf[1024];
    ssize_t n = ::recv(stream_.fd(), buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
    if (n <= 0) return true;
  }
}

void ConsoleClient::send_all(const std::string& bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::send(stream_.fd(), p, left, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw operation_failed(fmt::format("{}: connection lost while sending: {}", where_, std::strerror(errno)));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

ConsoleClient::ReadResult ConsoleClient::read_until_prompt(std::string& out, std::optional<Clock::time_point> deadline) {
  std::string buf = std::move(pending_);
  pending_.clear();
  char chunk[16384];
  for (;;) {
    // The answer ends with the prompt at the start of a line (or the prompt alone: no output).
    if (buf == prompt_ || ends_with(buf, "\n" + prompt_)) {
      out = buf.substr(0, buf.size() - prompt_.size());
      return ReadResult::Prompt;
    }
    quick_ack(stream_.fd());
    pollfd p[2] = {{stream_.fd(), POLLIN, 0}, {cancel_fd_, POLLIN, 0}};
    int r = ::poll(p, cancel_fd_ >= 0 ? 2 : 1, poll_ms(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {
      out = buf;
      return ReadResult::Timeout;
    }
    if (cancel_fd_ >= 0 && (p[1].revents & POLLIN)) {
      out = buf;
      return ReadResult::Cancel;
    }
    ssize_t n = ::read(stream_.fd(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      out = buf;
      return ReadResult::Closed;
    }
    buf.append(chunk, static_cast<size_t>(n));
  }
}

Answer ConsoleClient::request(const std::string& wire, std::optional<Clock::time_point> deadline, bool resend_if_dropped) {
  for (int attempt = 0;; ++attempt) {
    if (!stream_.is_open() || peer_closed()) connect();
    send_all(wire);
    std::string text;
    switch (read_until_prompt(text, deadline)) {
      case ReadResult::Prompt:
        return {text, false};
      case ReadResult::Closed: {
        std::string why = closed_message();
        stream_.close();
        if (text.empty() && resend_if_dropped && attempt == 0) continue;  // closed just as we sent
        if (text.empty()) throw operation_failed(fmt::format("{} closed the connection without answering{}", where_, why));
        return {text, true};
      }
      case ReadResult::Timeout:
        // The image may still be working on it; this session's answer would arrive out of turn.
        stream_.close();
        throw operation_failed(fmt::format("{}: no answer within the timeout", where_));
      case ReadResult::Cancel:
        stream_.close();
        throw Cancelled{};
    }
  }
}

}  // namespace pharoctl::neoconsole
