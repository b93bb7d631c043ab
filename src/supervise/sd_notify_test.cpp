#include "supervise/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "util/unique_fd.hpp"

namespace pharoctl {
namespace {

// A notify listener as systemd has one: a datagram socket bound to `name` ("/path" or "@abstract").
UniqueFd listener(const std::string& name) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, name.data(), name.size());
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  if (name[0] == '@') a.sun_path[0] = '\0';
  EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), len), 0) << std::strerror(errno);
  return fd;
}

std::string receive(const UniqueFd& fd) {
  char buf[512];
  ssize_t n = ::recv(fd.get(), buf, sizeof buf, MSG_DONTWAIT);
  return n < 0 ? std::string("<nothing>") : std::string(buf, static_cast<size_t>(n));
}

TEST(SdNotify, OneDatagramToAPathSocket) {
  std::string path = (std::filesystem::temp_directory_path() / fmt::format("notify-test-{}", ::getpid())).string();
  ::unlink(path.c_str());
  UniqueFd l = listener(path);
  EXPECT_TRUE(send_notify_datagram(path, "READY=1\nSTATUS=1/1 instance healthy"));
  EXPECT_EQ(receive(l), "READY=1\nSTATUS=1/1 instance healthy");
  ::unlink(path.c_str());
}

TEST(SdNotify, OneDatagramToAnAbstractSocket) {
  std::string name = fmt::format("@pharoctl-notify-test-{}", ::getpid());
  UniqueFd l = listener(name);
  EXPECT_TRUE(send_notify_datagram(name, "WATCHDOG=1"));
  EXPECT_EQ(receive(l), "WATCHDOG=1");
}

TEST(SdNotify, NoSocketNoSend) {
  EXPECT_FALSE(send_notify_datagram("", "READY=1"));
  EXPECT_FALSE(send_notify_datagram("relative/path", "READY=1"));
  EXPECT_FALSE(send_notify_datagram("/nonexistent/notify-socket", "READY=1"));
}

TEST(SdNotify, WatchdogPeriodFromTheEnvironmentsValues) {
  EXPECT_EQ(watchdog_period("4000000", nullptr, 42), std::chrono::microseconds(4'000'000));
  EXPECT_EQ(watchdog_period("4000000", "42", 42), std::chrono::microseconds(4'000'000));
  EXPECT_FALSE(watchdog_period("4000000", "43", 42));  // for another process
  EXPECT_FALSE(watchdog_period(nullptr, nullptr, 42));
  EXPECT_FALSE(watchdog_period("0", nullptr, 42));
  EXPECT_FALSE(watchdog_period("12x", nullptr, 42));
}

}  // namespace
}  // namespace pharoctl
