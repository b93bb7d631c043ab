#include "deploy/supervisor_restarter.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <fstream>

#include <fmt/format.h>

namespace pharoctl {
namespace fs = std::filesystem;

bool SupervisorRestarter::running() {
  int fd = ::open(paths_.supervisor_lock().c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

RestartOutcome SupervisorRestarter::rolling_restart() {
  RestartOutcome out;
  out.ok = false;
  out.reason = "this pharoctl cannot ask the supervisor for a rolling restart yet (control client missing)";
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
