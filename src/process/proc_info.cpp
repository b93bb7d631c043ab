#include "process/proc_info.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "util/read_whole.hpp"

namespace pharoctl {

namespace {

std::string slurp(const std::string& path) {
  return read_whole(path).value_or(std::string());
}

// The blank-separated words of `text` (what `istream >> std::string` reads one by one).
std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = text.find_first_not_of(" \t\n\r\f\v", pos)) != std::string_view::npos) {
    size_t end = std::min(text.find_first_of(" \t\n\r\f\v", pos), text.size());
    out.emplace_back(text.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

long ticks_per_second() {
  long t = ::sysconf(_SC_CLK_TCK);
  return t > 0 ? t : 100;
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(const std::string& text) {
  // "PID (COMM) S PPID ..." : COMM may contain anything, so split at the LAST ')'.
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  ProcStat st;
  try {
    st.pid = static_cast<pid_t>(std::stol(text.substr(0, open)));
  } catch (...) {
    return std::nullopt;
  }
  std::vector<std::string> f = words(std::string_view(text).substr(close + 1));  // f[0]: field 3 (state)
  if (f.size() < 20) return std::nullopt;
  try {
    st.state = f[0].empty() ? '?' : f[0][0];
    st.ppid = static_cast<pid_t>(std::stol(f[1]));
    st.utime_ticks = std::stoull(f[11]);   // field 14
    st.stime_ticks = std::stoull(f[12]);   // field 15
    st.start_ticks = std::stoull(f[19]);   // field 22
  } catch (...) {
    return std::nullopt;
  }
  return st;
}

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::string text = slurp("/proc/" + std::to_string(pid) + "/stat");
  if (text.empty()) return std::nullopt;
  return parse_proc_stat(text);
}

std::vector<std::string> read_proc_cmdline(pid_t pid) {
  std::vector<std::string> args;
  if (pid <= 0) return args;
  std::string text = slurp("/proc/" + std::to_string(pid) + "/cmdline");
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\0', pos);
    if (end == std::string::npos) end = text.size();
    args.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return args;
}

std::string read_proc_exe(pid_t pid) {
  std::error_code ec;
  auto target = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
  return ec ? std::string() : target.string();
}

std::optional<std::uint64_t> resident_bytes(pid_t pid) {
  std::vector<std::string> f = words(slurp("/proc/" + std::to_string(pid) + "/statm"));
  std::uint64_t resident = 0;
  try {
    if (f.size() < 2) return std::nullopt;
    resident = std::stoull(f[1]);
  } catch (...) {
    return std::nullopt;
  }
  long page = ::sysconf(_SC_PAGESIZE);
  return resident * static_cast<std::uint64_t>(page > 0 ? page : 4096);
}

double start_seconds_after_boot(std::uint64_t start_ticks) {
  return static_cast<double>(start_ticks) / static_cast<double>(ticks_per_second());
}

double seconds_since_boot() {
  std::string text = slurp("/proc/uptime");
  return std::strtod(text.c_str(), nullptr);
}

bool process_alive(pid_t pid) {
  auto st = read_proc_stat(pid);
  return st && st->state != 'Z' && st->state != 'X';
}

}  // namespace pharoctl
