#include "supervise/health_probe.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "net/loopback_test_server.hpp"

namespace pharoctl {
namespace {

using TinyServer = test_support::LoopbackServer;

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

}  // namespace
}  // namespace pharoctl
