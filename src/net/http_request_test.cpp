#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

#include "net/http_client.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace {

// A one-shot server on loopback that answers the first request with `answer` and closes.
class OneShotServer {
 public:
  explicit OneShotServer(std::string answer) : answer_(std::move(answer)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 1);
    thread_ = std::thread([this] {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
      }
      ::send(c, answer_.data(), answer_.size(), MSG_NOSIGNAL);
      ::shutdown(c, SHUT_WR);
      ::close(c);
    });
  }
  ~OneShotServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/metrics/x"; }

 private:
  std::string answer_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

std::string failure_of(const std::string& answer) {
  OneShotServer s(answer);
  try {
    http_get(s.url(), std::chrono::seconds(5));
  } catch (const Failure& f) {
    EXPECT_EQ(f.exit_code(), kExitFailed);
    return f.what();
  }
  return "";
}

TEST(HttpRequest, ChunkedBodyDecoded) {
  OneShotServer s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Thing: a b\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  HttpResponse r = http_get(s.url(), std::chrono::seconds(5));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello world");
  EXPECT_EQ(r.headers["x-thing"], "a b");
}

TEST(HttpRequest, MalformedChunkedIsAnErrorNotATruncation) {
  EXPECT_NE(failure_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n"), "");
  // The peer closes before the last chunk.
  EXPECT_NE(failure_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nshort"), "");
}

TEST(HttpRequest, ShortBodyAndNonHttpAreErrors) {
  EXPECT_NE(failure_of("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"), "");
  EXPECT_NE(failure_of("SSH-2.0-OpenSSH_9.2\r\n"), "");
  EXPECT_NE(failure_of(""), "");
}

TEST(HttpRequest, ErrorStatusIsAnAnswer) {
  OneShotServer s("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\ndown");
  HttpResponse r = http_get(s.url(), std::chrono::seconds(5));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "down");
}

TEST(HttpRequest, RefusedSaysSo) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);  // bound then closed: nothing listens there
  try {
    http_get("http://127.0.0.1:" + std::to_string(port) + "/", std::chrono::seconds(5));
    FAIL();
  } catch (const Failure& f) {
    EXPECT_NE(std::string(f.what()).find("Connection refused"), std::string::npos) << f.what();
  }
  EXPECT_THROW(http_get("https://example.invalid/", std::chrono::seconds(1)), Failure);
}

}  // namespace
}  // namespace pharoctl
