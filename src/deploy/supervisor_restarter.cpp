#include "deploy/supervisor_restarter.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <fstream>

#include <fmt/format.h>

#include "supervise/control_client.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

// The supervisor liveness contract (architecture.md): its flock on run/supervisor.lock.
bool SupervisorRestarter::running() {
  int fd = ::open(paths_.supervisor_lock().c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

RestartOutcome SupervisorRestarter::rolling_restart() {
  // Each instance may take its stop timeout to go and its grace to become healthy; the
  // supervisor answers as soon as one fails, so this bound is only reached by a stuck one.
  auto per_instance = config_.stop_timeout + config_.health.grace + std::chrono::seconds(10);
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(per_instance * config_.instances);
  RestartOutcome out;
  ControlReply reply;
  try {
    reply = ControlClient(paths_).reload(timeout);
  } catch (const Failure& f) {
    out.ok = false;
    out.reason = fmt::format("the rolling restart could not be done: {}", f.what());
    return out;
  }
  out.ok = reply.ok;
  for (const InstanceResult& r : reply.results) {
    std::string detail = r.ok ? fmt::format("healthy in {:.1f}s (pid {})", r.seconds, r.pid)
                              : fmt::format("failed after {:.1f}s: {}", r.seconds, r.detail);
    out.instances.push_back({r.instance, r.ok, detail});
  }
  if (!reply.ok) {
    out.reason = reply.error.empty() ? std::string("an instance did not become healthy") : reply.error;
    if (reply.failed_instance >= 0) {
      if (out.reason.find("instance") == std::string::npos) {
        out.reason = fmt::format("instance {}: {}", reply.failed_instance, out.reason);
      }
      out.log_tail = instance_log_tail(paths_, config_, reply.failed_instance, 20);
    }
  }
  return out;
}

std::string instance_log_tail(const ServicePaths& paths, const ServiceConfig& config, int instance, int lines) {
  std::string prefix = paths.instance_stem(instance, config.instances) + "-";
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(paths.logs(), ec)) {
    std::string n = e.path().filename().string();
    // <stem>-YYYY-MM-DD.log: the date right after the stem, so "shop-" never matches "shop.1-".
    if (n.rfind(prefix, 0) == 0 && n.size() == prefix.size() + 14 && e.path().extension() == ".log") {
      files.push_back(e.path());
    }
  }
  if (files.empty()) return "";
  std::sort(files.begin(), files.end());
  std::ifstream in(files.back());
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (tail.size() > static_cast<std::size_t>(lines)) tail.pop_front();
  }
  std::string text;
  for (const std::string& l : tail) text += l + "\n";
  return text;
}

}  // namespace pharoctl
