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

#include "net/loopback_address.hpp"
#include "net/loopback_test_server.hpp"
#include "supervise/probe_socket.hpp"

namespace pharoctl {
namespace {

using TinyServer = test_support::LoopbackServer;

int local_port_of(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  return ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0 ? ntohs(a.sin_port) : 0;
}

// `local_port`: the probe's own (ephemeral) port, for a test that looks for what it left behind.
HealthResult probe(const std::string& url, std::chrono::milliseconds timeout, int* local_port = nullptr) {
  SystemClock clock;
  HealthProbe p;
  p.start(url, "Status OK", clock, timeout);
  if (local_port && p.active()) *local_port = local_port_of(p.fd());
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

TEST(HealthProbe, ARefusedProbesSocketServesTheNextProbeWhichConnectsOnceThePortListens) {
  int port;
  {
    TinyServer s("HTTP/1.1 200 OK\r\n\r\n");
    port = s.port();
  }
  std::string url = fmt::format("http://127.0.0.1:{}/x", port);
  SystemClock clock;
  HealthProbe first;
  first.start(url, "", clock, std::chrono::seconds(1));
  ASSERT_FALSE(first.active());  // refused within its connect
  EXPECT_EQ(first.result().detail, "Connection refused");
  UniqueFd spare = first.take_spare();
  ASSERT_TRUE(spare.valid());
  int fd = spare.get();
  HealthProbe second;
  second.start(url, "", clock, std::chrono::seconds(1), std::move(spare));
  ASSERT_FALSE(second.active());
  EXPECT_EQ(second.result().detail, "Connection refused");  // not ECONNABORTED
  spare = second.take_spare();
  ASSERT_EQ(spare.get(), fd);  // the same socket again
  // The port listens now: the reused socket connects to it.
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  int one = 1;
  ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = loopback_address(port);
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener.get(), 4), 0);
  HealthProbe third;
  third.start(url, "", clock, std::chrono::milliseconds(100), std::move(spare));
  ASSERT_TRUE(third.active());
  EXPECT_EQ(third.fd(), fd);
  pollfd f{listener.get(), POLLIN, 0};
  EXPECT_EQ(::poll(&f, 1, 1000), 1);  // a connection to accept
  third.cancel();
}

// TCP sockets in TIME_WAIT (state 06 of /proc/net/tcp) with `port` at either end.
// TIME_WAIT entries of the one connection between ports `a` and `b` on loopback, either way
// round: only that pair, so that other programs' connections (this machine runs many tests at
// once, and an ephemeral port number comes round again) cannot be counted.
// TIME_WAIT sockets between ports a and b (b = -1: a and any port).
int time_wait_sockets_between(int a, int b) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // header
  int count = 0;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string slot, local, remote, state;
    f >> slot >> local >> remote >> state;
    auto port_of = [](const std::string& x) { return std::stoi(x.substr(x.find(':') + 1), nullptr, 16); };
    int l = port_of(local), r = port_of(remote);
    if (state == "06" && ((l == a && (b < 0 || r == b)) || (r == a && (b < 0 || l == b)))) ++count;
  }
  return count;
}

TEST(HealthProbe, LeavesNoTimeWaitAtEitherEnd) {
  for (const char* answer : {"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nStatus OK",  // probe ends first
                             "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nStatus OK"}) {  // server ends first
    int port = 0, probe_port = 0;
    {
      TinyServer s(answer);
      port = s.port();
      auto r = probe(fmt::format("http://127.0.0.1:{}/x", port), std::chrono::seconds(2), &probe_port);
      EXPECT_TRUE(r.ok) << r.detail;
    }
    ASSERT_NE(probe_port, 0);
    EXPECT_EQ(time_wait_sockets_between(port, probe_port), 0) << answer;
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

// What a rollout asks of a replacement whose predecessor served: a listener accepts, a port
// nobody listens on does not, and neither look leaves a TIME_WAIT behind.
TEST(ProbeSocket, AcceptsConnectionsOnlyWhereSomethingListens) {
  int port = 0;
  {
    TinyServer s("HTTP/1.1 200 OK\r\n\r\n");
    port = s.port();
    EXPECT_TRUE(accepts_connections(port));
  }
  EXPECT_FALSE(accepts_connections(port));
  EXPECT_EQ(time_wait_sockets_between(port, -1), 0);
}

}  // namespace
}  // namespace pharoctl
