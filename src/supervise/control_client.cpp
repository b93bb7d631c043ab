#include "supervise/control_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/unique_fd.hpp"
#include "service/service_config.hpp"
#include "util/failure.hpp"

namespace pharoctl {

namespace {

using Steady = std::chrono::steady_clock;

int left_ms(Steady::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()).count();
  return ms > 0 ? static_cast<int>(std::min<long long>(ms, 1 << 30)) : 0;
}

}  // namespace

nlohmann::json ControlClient::request(const nlohmann::json& req, std::chrono::milliseconds timeout) const {
  auto deadline = Steady::now() + timeout;
  std::string path = paths_.control_socket().string();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path)
    throw operation_failed(fmt::format("{}: path too long for a Unix socket", path));
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) throw operation_failed(fmt::format("socket: {}", std::strerror(errno)));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno == ENOENT || errno == ECONNREFUSED)
      throw Failure(kExitNotRunning, fmt::format("{} is not running (no supervisor on {})", paths_.name(), path));
    throw operation_failed(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  std::string line = req.dump() + "\n";
  size_t sent = 0;
  while (sent < line.size()) {
    ssize_t n = ::send(fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw operation_failed(fmt::format("{}: {}", path, std::strerror(errno)));
    }
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  for (;;) {
    size_t nl = answer.find('\n');
    if (nl != std::string::npos) {
      try {
        return nlohmann::json::parse(answer.substr(0, nl));
      } catch (const std::exception& e) {
        throw operation_failed(fmt::format("{}: malformed answer from the supervisor: {}", path, e.what()));
      }
    }
    pollfd p{fd.get(), POLLIN, 0};
    int r = ::poll(&p, 1, left_ms(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0)
      throw operation_failed(fmt::format("{}: no answer from the supervisor of {} within {}", path, paths_.name(),
                                         format_duration(std::chrono::duration_cast<Millis>(timeout))));
    char buf[8192];
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw operation_failed(fmt::format("{}: the supervisor of {} closed the connection without an answer", path,
                                         paths_.name()));
    answer.append(buf, static_cast<size_t>(n));
  }
}

ControlReply control_reply_from_json(const nlohmann::json& j) {
  ControlReply r;
  r.ok = j.value("ok", false);
  r.error = j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>() : "";
  if (j.contains("instance") && j["instance"].is_number_integer()) r.failed_instance = j["instance"].get<int>();
  r.config_error = j.value("config", false);
  if (j.contains("results") && j["results"].is_array()) {
    for (const auto& x : j["results"]) {
      InstanceResult ir;
      ir.instance = x.value("instance", 0);
      ir.ok = x.value("ok", false);
      ir.pid = x.contains("pid") && x["pid"].is_number() ? x["pid"].get<pid_t>() : 0;
      ir.seconds = x.value("seconds", 0.0);
      ir.detail = x.value("detail", "");
      ir.image = x.contains("image") && x["image"].is_string() ? x["image"].get<std::string>() : "";
      r.results.push_back(ir);
    }
  }
  return r;
}

ServiceStatus ControlClient::status(std::chrono::milliseconds timeout) const {
  auto j = request({{"cmd", "status"}}, timeout);
  if (!j.value("ok", false) || !j.contains("status"))
    throw operation_failed(fmt::format("{}: status refused: {}", paths_.name(), j.value("error", "no reason")));
  return service_status_from_json(j["status"]);
}

ControlReply ControlClient::stop(std::chrono::milliseconds timeout) const {
  return control_reply_from_json(request({{"cmd", "stop"}}, timeout));
}

ControlReply ControlClient::restart(int instance, std::chrono::milliseconds timeout) const {
  nlohmann::json req = {{"cmd", "restart"}};
  if (instance >= 0) req["instance"] = instance;
  return control_reply_from_json(request(req, timeout));
}

ControlReply ControlClient::reload(std::chrono::milliseconds timeout, int instance) const {
  nlohmann::json req = {{"cmd", "reload"}};
  if (instance >= 0) req["instance"] = instance;
  return control_reply_from_json(request(req, timeout));
}

}  // namespace pharoctl
