// The client against a tiny scripted TCP server on loopback: greeting checks and the silent
// reconnect after an idle close. (The real protocol peer, pharo-sim, is met by the integration tests.)
#include "neoconsole/console_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "util/failure.hpp"

namespace pharoctl::neoconsole {
namespace {

// Accepts connections one after another and hands each to `session`.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::function<void(int fd, int n)> session) : session_(std::move(session)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(listen_fd_, 4);
    thread_ = std::thread([this] {
      for (int n = 0;; ++n) {
        int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) return;
        session_(fd, n);
        ::close(fd);
        ++ended_;
      }
    });
  }
  ~ScriptedServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    thread_.join();
  }
  int port() const { return port_; }
  int ended() const { return ended_; }

 private:
  std::function<void(int, int)> session_;
  int listen_fd_;
  int port_ = 0;
  std::atomic<int> ended_{0};
  std::thread thread_;
};

void put(int fd, const std::string& s) { ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size())); }

std::string read_until(int fd, const std::string& end) {
  std::string got;
  char c;
  while (got.size() < end.size() || got.compare(got.size() - end.size(), end.size(), end) != 0) {
    if (::read(fd, &c, 1) != 1) break;
    got += c;
  }
  return got;
}

TEST(ConsoleClient, RejectsAPortThatIsNotNeoConsole) {
  ScriptedServer server([](int fd, int) { put(fd, "HTTP/1.1 400 Bad Request\r\n\r\n"); });
  ConsoleClient client(loopback_dialer(server.port()), std::chrono::milliseconds(2000));
  try {
    client.connect();
    FAIL() << "connected to an HTTP server";
  } catch (const Failure& f) {
    EXPECT_EQ(f.exit_code(), kExitFailed);
    EXPECT_NE(std::string(f.what()).find("not a NeoConsole greeting"), std::string::npos) << f.what();
  }
}

TEST(ConsoleClient, SilentServerTimesOutWithAClearMessage) {
  ScriptedServer server([](int fd, int) {
    char c;
    [[maybe_unused]] auto n = ::read(fd, &c, 1);  // says nothing until the client gives up
  });
  ConsoleClient client(loopback_dialer(server.port()), std::chrono::milliseconds(200));
  try {
    client.connect();
    FAIL();
  } catch (const Failure& f) {
    EXPECT_NE(std::string(f.what()).find("sent no greeting"), std::string::npos) << f.what();
  }
}

TEST(ConsoleClient, RefusedMeansNotRunning) {
  int port;
  {
    ScriptedServer server([](int, int) {});
    port = server.port();
  }
  ConsoleClient client(loopback_dialer(port), std::chrono::milliseconds(1000));
  try {
    client.connect();
    FAIL();
  } catch (const Failure& f) {
    EXPECT_EQ(f.exit_code(), kExitNotRunning);
  }
}

TEST(ConsoleClient, ReconnectsSilentlyAfterTheServerClosedAnIdleSession) {
  std::atomic<int> sessions{0};
  std::atomic<bool> answered{false};
  ScriptedServer server([&](int fd, int n) {
    sessions = n + 1;
    put(fd, "NeoConsole Pharo-12.0.0 (64 Bit)\npharo> ");
    if (n == 0) {
      EXPECT_EQ(read_until(fd, "\n\n"), "3 + 4\n\n");
      put(fd, "7\npharo> ");
      // The idle timeout, once the client has its answer: a farewell, then the close.
      auto until = Clock::now() + std::chrono::seconds(5);
      while (!answered && Clock::now() < until) std::this_thread::yield();
      put(fd, "Bye!\n");
      return;
    }
    EXPECT_EQ(read_until(fd, "\n"), "get\n");
    put(fd, "known metrics:\npharo> ");
    read_until(fd, "\n");
  });
  ConsoleClient client(loopback_dialer(server.port()), std::chrono::milliseconds(2000));
  client.connect();
  EXPECT_EQ(client.image_version(), "Pharo-12.0.0 (64 Bit)");
  EXPECT_EQ(client.request("3 + 4\n\n", std::nullopt, true).text, "7\n");
  answered = true;
  // Wait until the server's close has certainly arrived (its session ended).
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (server.ended() < 1 && Clock::now() < deadline) std::this_thread::yield();
  Answer a = client.request("get\n", Clock::now() + std::chrono::seconds(5), true);
  EXPECT_EQ(a.text, "known metrics:\n");
  EXPECT_EQ(sessions, 2);
}

}  // namespace
}  // namespace pharoctl::neoconsole
