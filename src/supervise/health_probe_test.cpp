#include "supervise/health_probe.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "supervise/probe_socket.hpp"

namespace pharoctl {
namespace {

// A loopback listener answering each connection with `answer` (or never, when empty).
class TinyServer {
 public:
  explicit TinyServer(std::string answer) : answer_(std::move(answer)) {
    (void)!::pipe(done_);
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 4);
    thread_ = std::thread([this] {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[1024];
      (void)!::read(c, buf, sizeof buf);
      if (!answer_.empty()) (void)!::write(c, answer_.data(), answer_.size());
      pollfd p{done_[0], POLLIN, 0};
      if (answer_.empty()) ::poll(&p, 1, 5000);  // a hung VM: holds the connection, says nothing
      ::close(c);
    });
  }
  ~TinyServer() {
    (void)!::write(done_[1], "x", 1);
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
    ::close(done_[0]);
    ::close(done_[1]);
  }
  int port() const { return port_; }

 private:
  std::string answer_;
  int fd_ = -1;
  int port_ = 0;
  int done_[2] = {-1, -1};
  std::thread thread_;
};

HealthResult probe(const std::string& url, std::chrono::milliseconds timeout) {
  SystemClock clock;
  HealthProbe p;
  p.start(url, "Status OK", clock, timeout);
  while (p.active()) {
    pollfd f{p.fd(), p.poll_events(), 0};
    ::poll(&f, 1, 10);
    p.advance(clock);
  }
  return p.result();
}

TEST(HealthProbe, HealthyAnswer) {
  TinyServer s("HTTP/1.1 200 OK\r\nContent-Length: 26\r\n\r\nStatus OK - Clock whatever");
  auto r = probe(fmt::format("http://127.0.0.1:{}/metrics/system.status", s.port()), std::chrono::seconds(2));
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_GT(r.latency_ms, 0);
}

TEST(HealthProbe, ErrorStatusAndWrongBodyFail) {
  {
    TinyServer s("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
    auto r = probe(fmt::format("http://127.0.0.1:{}/x", s.port()), std::chrono::seconds(2));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.detail, "HTTP 500");
  }
  {
    TinyServer s("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nStatus DEGRADED");
    auto r = probe(fmt::format("http://127.0.0.1:{}/x", s.port()), std::chrono::seconds(2));
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.detail.find("lacks"), std::string::npos) << r.detail;
  }
}

TEST(HealthProbe, RefusedAndSilentFail) {
  int port;
  {
    TinyServer s("HTTP/1.1 200 OK\r\n\r\n");
    port = s.port();
    probe(fmt::format("http://127.0.0.1:{}/x", port), std::chrono::seconds(1));
  }
  auto refused = probe(fmt::format("http://127.0.0.1:{}/x", port), std::chrono::seconds(1));
  EXPECT_FALSE(refused.ok);
  TinyServer hung("");
  auto silent = probe(fmt::format("http://127.0.0.1:{}/x", hung.port()), std::chrono::milliseconds(150));
  EXPECT_FALSE(silent.ok);
  EXPECT_NE(silent.detail.find("no answer within"), std::string::npos) << silent.detail;
  EXPECT_GE(silent.latency_ms, 150);
}

// TCP sockets in TIME_WAIT (state 06 of /proc/net/tcp) with `port` at either end.
int time_wait_sockets_on(int port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // header
  int count = 0;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string slot, local, remote, state;
    f >> slot >> local >> remote >> state;
    auto port_of = [](const std::string& a) { return std::stoi(a.substr(a.find(':') + 1), nullptr, 16); };
    if (state == "06" && (port_of(local) == port || port_of(remote) == port)) ++count;
  }
  return count;
}

TEST(HealthProbe, LeavesNoTimeWaitAtEitherEnd) {
  for (const char* answer : {"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nStatus OK",  // probe ends first
                             "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nStatus OK"}) {  // server ends first
    int port;
    {
      TinyServer s(answer);
      port = s.port();
      auto r = probe(fmt::format("http://127.0.0.1:{}/x", port), std::chrono::seconds(2));
      EXPECT_TRUE(r.ok) << r.detail;
    }
    EXPECT_EQ(time_wait_sockets_on(port), 0) << answer;
  }
}

TEST(ProbeSocket, RecognisesAConnectionToItself) {
  UniqueFd self(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(self.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(self.get(), reinterpret_cast<sockaddr*>(&a), &len);
  // What an ephemeral-range probe of a free port can meet: TCP simultaneous open with itself.
  ASSERT_EQ(::connect(self.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << std::strerror(errno);
  EXPECT_TRUE(connected_to_itself(self.get()));
  close_abortively(self);
  EXPECT_FALSE(self.valid());

  TinyServer s("HTTP/1.1 200 OK\r\n\r\n");
  UniqueFd other(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  a.sin_port = htons(static_cast<uint16_t>(s.port()));
  ASSERT_EQ(::connect(other.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  EXPECT_FALSE(connected_to_itself(other.get()));
}

}  // namespace
}  // namespace pharoctl
