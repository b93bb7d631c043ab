#include "supervise/control_protocol.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl {

namespace {

// The `instance` of a request: -1 when absent (the whole service), nullopt when not one of its.
std::optional<int> requested_instance(const nlohmann::json& req, int instances) {
  if (!req.is_object() || !req.contains("instance") || req["instance"].is_null()) return -1;
  const auto& v = req["instance"];
  if (!v.is_number_integer() || v.get<int>() < 0 || v.get<int>() >= instances) return std::nullopt;
  return v.get<int>();
}

}  // namespace

void dispatch_request(int client, const std::string& line, const std::string& service, int instances,
                      ControlHandler& handler) {
  nlohmann::json req;
  try {
    req = nlohmann::json::parse(line);
  } catch (const std::exception& e) {
    handler.reply(client, {{"ok", false}, {"error", fmt::format("not a JSON object: {}", e.what())}});
    return;
  }
  std::string cmd = req.is_object() && req.contains("cmd") && req["cmd"].is_string() ? req["cmd"].get<std::string>() : "";
  std::optional<int> instance = requested_instance(req, instances);
  if (!instance) {
    handler.reply(client, {{"ok", false},
                           {"error", fmt::format("instance: {} is not an instance of {} (0..{})", req["instance"].dump(),
                                                 service, instances - 1)}});
    return;
  }
  if (cmd == "status") {
    handler.on_status(client);
  } else if (cmd == "stop") {
    handler.on_stop(client, *instance);
  } else if (cmd == "wait") {
    handler.on_wait(client);
  } else if (cmd == "restart" || cmd == "reload") {
    handler.on_rollout(client, cmd, *instance);
  } else if (cmd == "deploy") {
    handler.on_deploy(client, req);
  } else {
    handler.reply(client, {{"ok", false},
                           {"error", fmt::format("unknown cmd \"{}\" (one of: status, wait, stop, restart, reload, deploy)",
                                                 cmd)}});
  }
}

namespace {

// A listening Unix socket bound at `p`; throws naming `shown` (the control socket's path).
UniqueFd listening_socket(const std::string& p, const std::string& shown) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
  ::unlink(p.c_str());  // the caller holds the supervisor lock: any socket file here is a leftover
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  mode_t old = ::umask(0177);  // 0600 from birth: no window in which others may connect
  int rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int err = errno;
  ::umask(old);
  if (rc != 0) throw operation_failed(fmt::format("{}: bind: {}", shown, std::strerror(err)));
  ::chmod(p.c_str(), 0600);
  if (::listen(fd.get(), 64) != 0) throw operation_failed(fmt::format("{}: listen: {}", shown, std::strerror(errno)));
  return fd;
}

}  // namespace

void ControlServer::check_path(const std::filesystem::path& path) {
  std::string p = path.string();
  constexpr size_t kMax = sizeof(sockaddr_un{}.sun_path);
  if (p.size() >= kMax)
    throw usage_error(fmt::format("{}: path too long for a Unix socket ({} bytes, at most {}); use a shorter home", p,
                                  p.size(), kMax - 1));
}

void ControlServer::listen(const std::filesystem::path& path) {
  check_path(path);
  std::string p = path.string();
  constexpr size_t kMax = sizeof(sockaddr_un{}.sun_path);
  // Bound and listening under a temporary name, then renamed into place: the socket appears
  // ready to accept (what `start` waits for on inotify), never bound but not yet listening.
  std::string tmp = p + ".new";
  if (tmp.size() >= kMax) tmp = p;  // no room for the longer name: bound in place
  UniqueFd fd = listening_socket(tmp, p);
  if (tmp != p && ::rename(tmp.c_str(), p.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw operation_failed(fmt::format("{}: rename: {}", p, std::strerror(err)));
  }
  path_ = path;
  listen_fd_ = std::move(fd);
  spare_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
}

void ControlServer::close() {
  if (!path_.empty()) ::unlink(path_.c_str());
  listen_fd_.reset();
  spare_.reset();
  clients_.clear();
}

void ControlServer::accept_clients() {
  for (;;) {
    int fd = ::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EMFILE || errno == ENFILE) && shed_one()) continue;
      return;
    }
    Client c;
    c.fd.reset(fd);
    clients_.emplace(next_client_++, std::move(c));
  }
}

int ControlServer::adopt(UniqueFd fd) {
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK);
  Client c;
  c.fd = std::move(fd);
  clients_.emplace(next_client_, std::move(c));
  return next_client_++;
}

bool ControlServer::shed_one() {
  if (spare_.get() < 0) return false;
  spare_.reset();
  int fd = ::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC);
  if (fd >= 0) ::close(fd);
  spare_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  return fd >= 0;
}

void ControlServer::read(int client, const std::function<void(const std::string&)>& on_line) {
  auto it = clients_.find(client);
  if (it == clients_.end()) return;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(it->second.fd.get(), buf, sizeof buf, 0);
    if (n > 0) {
      it->second.in.append(buf, static_cast<size_t>(n));
      if (it->second.in.size() > kMaxInput) {
        it->second.closed = true;
        return;
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    it->second.closed = true;  // EOF: pending answers to it are dropped
    break;
  }
  // A handler may answer (and so drop) this client: look it up again for each line.
  for (;;) {
    auto c = clients_.find(client);
    if (c == clients_.end() || c->second.closed) return;
    size_t nl = c->second.in.find('\n');
    if (nl == std::string::npos) return;
    std::string line = c->second.in.substr(0, nl);
    c->second.in.erase(0, nl + 1);
    on_line(line);
  }
}

void ControlServer::reply(int client, const nlohmann::json& answer, const Clock& clock) {
  auto it = clients_.find(client);
  if (it == clients_.end() || it->second.closed) return;
  std::string line = answer.dump() + "\n";
  size_t sent = 0;
  auto give_up = clock.steady() + std::chrono::milliseconds(2000);
  while (sent < line.size()) {
    ssize_t n = ::send(it->second.fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && clock.steady() < give_up) {
      pollfd p{it->second.fd.get(), POLLOUT, 0};
      ::poll(&p, 1, 100);
      continue;
    }
    it->second.closed = true;
    return;
  }
}

void ControlServer::for_each_client(const std::function<void(int, int)>& f) const {
  for (const auto& [id, c] : clients_) f(id, c.fd.get());
}

void ControlServer::drop_closed() {
  for (auto it = clients_.begin(); it != clients_.end();) it = it->second.closed ? clients_.erase(it) : std::next(it);
}

}  // namespace pharoctl
