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

// One supervisor's exchange in request_all: connect, send the line, read up to the first newline.
struct Exchange {
  const ServicePaths& paths;
  std::string path;  // the control socket
  UniqueFd fd;
  size_t sent = 0;
  std::string answer;
  bool connected = false;
  bool done = false;
  ControlAnswer result;

  void fail(Failure f) {
    result.failure = std::move(f);
    fd = UniqueFd();
    done = true;
  }
  void fail(const std::string& why) { fail(operation_failed(fmt::format("{}: {}", path, why))); }
};

void connect_to(Exchange& x) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (x.path.size() >= sizeof addr.sun_path) return x.fail("path too long for a Unix socket");
  std::memcpy(addr.sun_path, x.path.c_str(), x.path.size() + 1);
  if (!x.fd.valid()) x.fd = UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!x.fd.valid()) return x.fail(fmt::format("socket: {}", std::strerror(errno)));
  if (::connect(x.fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    x.connected = true;
  } else if (errno == ENOENT || errno == ECONNREFUSED) {
    x.fail(Failure(kExitNotRunning, fmt::format("{} is not running (no supervisor on {})", x.paths.name(), x.path)));
  } else if (errno != EAGAIN && errno != EINTR) {
    x.fail(std::strerror(errno));  // EAGAIN: its backlog is full; the poll loop tries again
  }
}

void send_some(Exchange& x, const std::string& line) {
  while (x.sent < line.size()) {
    ssize_t n = ::send(x.fd.get(), line.data() + x.sent, line.size() - x.sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n < 0) return x.fail(std::strerror(errno));
    x.sent += static_cast<size_t>(n);
  }
}

void receive_some(Exchange& x) {
  for (;;) {
    char buf[8192];
    ssize_t n = ::recv(x.fd.get(), buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0)
      return x.fail(fmt::format("the supervisor of {} closed the connection without an answer", x.paths.name()));
    x.answer.append(buf, static_cast<size_t>(n));
    size_t nl = x.answer.find('\n');
    if (nl == std::string::npos) continue;
    try {
      x.result.answer = nlohmann::json::parse(x.answer.substr(0, nl));
    } catch (const std::exception& e) {
      return x.fail(fmt::format("malformed answer from the supervisor: {}", e.what()));
    }
    x.fd = UniqueFd();
    x.done = true;
    return;
  }
}

// One round of the loop: a poll over every exchange still open, then each moves on as it can.
// Returns false once the deadline has passed.
bool step(std::vector<Exchange>& all, const std::string& line, Steady::time_point deadline) {
  std::vector<pollfd> fds;
  std::vector<Exchange*> of;
  bool retry_connect = false;
  for (Exchange& x : all) {
    if (x.done) continue;
    if (!x.connected) {
      retry_connect = true;
      continue;
    }
    fds.push_back({x.fd.get(), static_cast<short>(x.sent < line.size() ? POLLOUT : POLLIN), 0});
    of.push_back(&x);
  }
  int wait = retry_connect ? std::min(1, left_ms(deadline)) : left_ms(deadline);
  int r = ::poll(fds.data(), fds.size(), wait);
  if (r < 0 && errno != EINTR) throw operation_failed(fmt::format("poll: {}", std::strerror(errno)));
  for (size_t i = 0; r > 0 && i < fds.size(); ++i) {
    if (fds[i].revents == 0) continue;
    if (of[i]->sent < line.size()) send_some(*of[i], line);
    else receive_some(*of[i]);
  }
  for (Exchange& x : all) {
    if (x.done || x.connected) continue;
    connect_to(x);
    if (x.connected) send_some(x, line);
  }
  return Steady::now() < deadline;
}

}  // namespace

std::vector<ControlAnswer> request_all(const std::vector<ServicePaths>& services, const nlohmann::json& request,
                                       std::chrono::milliseconds timeout) {
  auto deadline = Steady::now() + timeout;
  std::string line = request.dump() + "\n";
  std::vector<Exchange> all;
  all.reserve(services.size());
  for (const ServicePaths& p : services) {
    Exchange& x = all.emplace_back(Exchange{p, p.control_socket().string(), UniqueFd(), 0, {}, false, false, {}});
    connect_to(x);
    if (x.connected) send_some(x, line);
  }
  auto open = [&] {
    for (const Exchange& x : all)
      if (!x.done) return true;
    return false;
  };
  while (open() && step(all, line, deadline)) {
  }
  std::vector<ControlAnswer> out;
  out.reserve(all.size());
  for (Exchange& x : all) {
    if (!x.done)
      x.fail(operation_failed(fmt::format("{}: no answer from the supervisor of {} within {}", x.path, x.paths.name(),
                                          format_duration(std::chrono::duration_cast<Millis>(timeout)))));
    out.push_back(std::move(x.result));
  }
  return out;
}

nlohmann::json ControlClient::request(const nlohmann::json& req, std::chrono::milliseconds timeout) const {
  ControlAnswer a = std::move(request_all({paths_}, req, timeout).front());
  if (a.failure) throw *a.failure;
  return std::move(*a.answer);
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

namespace {

ServiceStatus status_from_answer(const std::string& name, const nlohmann::json& j) {
  if (!j.value("ok", false) || !j.contains("status"))
    throw operation_failed(fmt::format("{}: status refused: {}", name, j.value("error", "no reason")));
  return service_status_from_json(j["status"]);
}

}  // namespace

ServiceStatus ControlClient::status(std::chrono::milliseconds timeout) const {
  return status_from_answer(paths_.name(), request({{"cmd", "status"}}, timeout));
}

std::vector<StatusAnswer> status_all(const std::vector<ServicePaths>& services, std::chrono::milliseconds timeout) {
  std::vector<ControlAnswer> answers = request_all(services, {{"cmd", "status"}}, timeout);
  std::vector<StatusAnswer> out(answers.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    try {
      if (answers[i].failure) throw *answers[i].failure;
      out[i].status = status_from_answer(services[i].name(), *answers[i].answer);
    } catch (const Failure& f) {
      out[i].failure = f;
    } catch (const std::exception& e) {  // a status object of the wrong shape
      out[i].failure = operation_failed(fmt::format("{}: malformed status from the supervisor: {}", services[i].name(), e.what()));
    }
  }
  return out;
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
