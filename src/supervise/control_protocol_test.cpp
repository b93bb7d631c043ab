#include "supervise/control_protocol.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <gtest/gtest.h>

#include "supervise/fake_clock.hpp"
#include "util/failure.hpp"
#include "util/scratch_directory.hpp"

namespace pharoctl {
namespace {

struct Recorder final : ControlHandler {
  std::vector<std::string> calls;
  std::vector<nlohmann::json> replies;
  void reply(int c, const nlohmann::json& j) override {
    calls.push_back(fmt_call("reply", c));
    replies.push_back(j);
  }
  void on_status(int c) override { calls.push_back(fmt_call("status", c)); }
  void on_wait(int c) override { calls.push_back(fmt_call("wait", c)); }
  void on_stop(int c, int i) override { calls.push_back(fmt_call("stop", c, i)); }
  void on_rollout(int c, const std::string& cmd, int i) override { calls.push_back(fmt_call(cmd, c, i)); }
  void on_deploy(int c, const nlohmann::json& req) override {
    calls.push_back(fmt_call("deploy", c) + " " + req.value("release", ""));
  }
  static std::string fmt_call(const std::string& what, int c, int i = -2) {
    return what + " " + std::to_string(c) + (i == -2 ? "" : " " + std::to_string(i));
  }
};

TEST(ControlProtocol, DispatchesEachCommand) {
  Recorder r;
  dispatch_request(1, R"({"cmd":"status"})", "shop", 2, r);
  dispatch_request(2, R"({"cmd":"wait"})", "shop", 2, r);
  dispatch_request(3, R"({"cmd":"stop"})", "shop", 2, r);
  dispatch_request(4, R"({"cmd":"stop","instance":1})", "shop", 2, r);
  dispatch_request(5, R"({"cmd":"restart","instance":null})", "shop", 2, r);
  dispatch_request(6, R"({"cmd":"reload","instance":0})", "shop", 2, r);
  dispatch_request(7, R"({"cmd":"deploy","release":"r1","previous":null})", "shop", 2, r);
  EXPECT_EQ(r.calls, (std::vector<std::string>{"status 1", "wait 2", "stop 3 -1", "stop 4 1", "restart 5 -1",
                                               "reload 6 0", "deploy 7 r1"}));
}

TEST(ControlProtocol, AnswersBadRequestsItself) {
  Recorder r;
  dispatch_request(1, "{not json", "shop", 2, r);
  dispatch_request(2, R"({"cmd":"frobnicate"})", "shop", 2, r);
  dispatch_request(3, R"({"cmd":"stop","instance":5})", "shop", 2, r);
  dispatch_request(4, R"({"cmd":"stop","instance":"1"})", "shop", 2, r);
  dispatch_request(5, R"([1,2])", "shop", 2, r);
  ASSERT_EQ(r.replies.size(), 5u);
  for (const auto& j : r.replies) EXPECT_FALSE(j["ok"]);
  EXPECT_NE(r.replies[0]["error"].get<std::string>().find("not a JSON object"), std::string::npos);
  EXPECT_EQ(r.replies[1]["error"], "unknown cmd \"frobnicate\" (one of: status, wait, stop, restart, reload, deploy)");
  EXPECT_EQ(r.replies[2]["error"], "instance: 5 is not an instance of shop (0..1)");
  EXPECT_EQ(r.replies[3]["error"], "instance: \"1\" is not an instance of shop (0..1)");
  EXPECT_EQ(r.replies[4]["error"], "unknown cmd \"\" (one of: status, wait, stop, restart, reload, deploy)");
}

UniqueFd connect_to(const std::filesystem::path& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  EXPECT_EQ(::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  return fd;
}

TEST(ControlServer, FramesLinesAnswersAndCleansUp) {
  ScratchDirectory dir("control");
  auto path = dir.path() / "control.sock";
  ControlServer server;
  server.listen(path);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Listening under a temporary name, then renamed into place: nothing of it is left.
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "control.sock.new"));
  UniqueFd c = connect_to(path);
  server.accept_clients();
  ASSERT_EQ(server.clients(), 1u);
  int id = 0;
  server.for_each_client([&](int client, int) { id = client; });
  std::string two = "{\"cmd\":\"status\"}\n{\"cmd\":\"wa";
  ASSERT_EQ(::send(c.get(), two.data(), two.size(), 0), static_cast<ssize_t>(two.size()));
  std::vector<std::string> lines;
  server.read(id, [&](const std::string& l) { lines.push_back(l); });
  EXPECT_EQ(lines, (std::vector<std::string>{"{\"cmd\":\"status\"}"}));  // the partial line waits
  ASSERT_EQ(::send(c.get(), "it\"}\n", 5, 0), 5);
  server.read(id, [&](const std::string& l) { lines.push_back(l); });
  EXPECT_EQ(lines.back(), "{\"cmd\":\"wait\"}");
  FakeClock clock(WallTime{});
  server.reply(id, {{"ok", true}}, clock);
  char buf[64] = {};
  ssize_t n = ::recv(c.get(), buf, sizeof buf - 1, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(std::max<ssize_t>(n, 0))), "{\"ok\":true}\n");
  c.reset();  // the client goes away
  server.read(id, [&](const std::string& l) { lines.push_back(l); });
  server.drop_closed();
  EXPECT_EQ(server.clients(), 0u);
  server.close();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ControlServer, DropsAClientThatSendsTooMuchWithoutANewline) {
  ScratchDirectory dir("control");
  ControlServer server;
  server.listen(dir.path() / "c.sock");
  UniqueFd c = connect_to(dir.path() / "c.sock");
  server.accept_clients();
  std::string junk(ControlServer::kMaxInput + 10, 'x');
  size_t sent = 0;
  int id = 0;
  server.for_each_client([&](int client, int) { id = client; });
  bool called = false;
  while (sent < junk.size()) {
    ssize_t n = ::send(c.get(), junk.data() + sent, junk.size() - sent, MSG_DONTWAIT);
    if (n > 0) sent += static_cast<size_t>(n);
    server.read(id, [&](const std::string&) { called = true; });
  }
  server.read(id, [&](const std::string&) { called = true; });
  server.drop_closed();
  EXPECT_FALSE(called);
  EXPECT_EQ(server.clients(), 0u);
}

// Out of descriptors, a waiting connection is shed (the client sees EOF), not left in the
// backlog where it would keep the listener readable and the poll loop spinning.
TEST(ControlServer, ShedsAConnectionWhenOutOfDescriptors) {
  ScratchDirectory dir("control");
  ControlServer server;
  server.listen(dir.path() / "c.sock");
  UniqueFd c = connect_to(dir.path() / "c.sock");
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
  int highest = ::open("/dev/null", O_RDONLY | O_CLOEXEC);  // the lowest free descriptor, then gone
  ASSERT_GE(highest, 0);
  ::close(highest);
  rlimit tight = old;
  tight.rlim_cur = static_cast<rlim_t>(highest);  // no descriptor can be opened now
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
  server.accept_clients();
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &old), 0);
  EXPECT_EQ(server.clients(), 0u);
  char b;
  EXPECT_EQ(::recv(c.get(), &b, 1, MSG_DONTWAIT), 0);  // EOF: shed, not waiting in the backlog
  UniqueFd again = connect_to(dir.path() / "c.sock");  // with descriptors back, clients are taken again
  server.accept_clients();
  EXPECT_EQ(server.clients(), 1u);
}

TEST(ControlServer, RefusesAPathTooLongForAUnixSocket) {
  ControlServer server;
  EXPECT_THROW(server.listen(std::filesystem::path("/tmp") / std::string(200, 'a')), Failure);
}

}  // namespace
}  // namespace pharoctl
