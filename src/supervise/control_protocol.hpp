#pragma once
// The supervisor's end of the control socket (docs/control-protocol.md): a Unix stream socket,
// mode 0600, one JSON object per line each way. ControlServer owns the listening socket and the
// connected clients (non-blocking, read in the poll loop, at most 64 KiB of unanswered input);
// dispatch_request turns one line into a call on a ControlHandler, answering bad requests itself.
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "supervise/clock.hpp"
#include "util/unique_fd.hpp"

namespace pharoctl {

// What the supervisor does for each request; an answer may come at once or later (by client id).
class ControlHandler {
 public:
  virtual ~ControlHandler() = default;
  virtual void reply(int client, const nlohmann::json& answer) = 0;
  virtual void on_status(int client) = 0;
  virtual void on_wait(int client) = 0;
  virtual void on_stop(int client, int instance) = 0;  // instance -1: the whole service
  virtual void on_rollout(int client, const std::string& cmd, int instance) = 0;  // restart, reload
  virtual void on_deploy(int client, const nlohmann::json& request) = 0;
};

// One request line from `client` of a service `service` with `instances` instances: parsed,
// checked (cmd, instance in 0..instances-1) and handed to `handler`, or answered with an error.
void dispatch_request(int client, const std::string& line, const std::string& service, int instances,
                      ControlHandler& handler);

class ControlServer {
 public:
  // Binds and listens on `path` (a leftover socket file there is replaced: the caller holds
  // the supervisor lock). Throws Failure (usage when the path is too long for a Unix socket).
  void listen(const std::filesystem::path& path);
  // The usage Failure listen would throw for a path too long for a Unix socket, or nothing.
  static void check_path(const std::filesystem::path& path);
  // Removes the socket file and closes every descriptor.
  void close();
  int listen_fd() const { return listen_fd_.get(); }
  // Takes every waiting connection. Out of descriptors (EMFILE, ENFILE), it sheds them: a
  // spare descriptor is closed to accept and close each one, so the client sees EOF at once
  // and the listener's POLLIN does not stay raised (a loop that polls it would spin).
  void accept_clients();
  // A client already connected (the starter's end of a socket pair): made non-blocking, served
  // like an accepted one. Returns its id.
  int adopt(UniqueFd fd);
  // Reads what `client` sent and hands each complete line to `on_line`, until it closes.
  void read(int client, const std::function<void(const std::string&)>& on_line);
  // Sends one answer line; a client that does not take it within 2 s is dropped.
  void reply(int client, const nlohmann::json& answer, const Clock& clock);
  // The descriptors of the connected clients, by id.
  void for_each_client(const std::function<void(int client, int fd)>& f) const;
  // Forgets clients that went away or were dropped (their pending answers with them).
  void drop_closed();
  std::size_t clients() const { return clients_.size(); }

  static constexpr std::size_t kMaxInput = 65536;

 private:
  struct Client {
    UniqueFd fd;
    std::string in;
    bool closed = false;
  };
  std::filesystem::path path_;
  bool shed_one();
  UniqueFd listen_fd_;
  UniqueFd spare_;  // /dev/null, given up for a moment to shed a connection when out of fds
  std::map<int, Client> clients_;
  int next_client_ = 1;
};

}  // namespace pharoctl
