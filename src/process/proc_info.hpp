#pragma once
// What /proc says about a process: the facts pid identity, status and benchmarks rest on.
// Every reader returns nullopt/empty when the process is gone or unreadable.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pharoctl {

struct ProcStat {
  pid_t pid = 0;
  char state = '?';
  pid_t ppid = 0;
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  std::uint64_t start_ticks = 0;  // field 22: clock ticks after boot; fixed at fork, kept over exec
};

std::optional<ProcStat> read_proc_stat(pid_t pid);
// Parses the text of /proc/PID/stat (the command name may hold spaces and parentheses).
std::optional<ProcStat> parse_proc_stat(const std::string& text);
std::vector<std::string> read_proc_cmdline(pid_t pid);
std::string read_proc_exe(pid_t pid);  // target of /proc/PID/exe, "" when unknown
// /proc/PID/statm's first two fields. A zombie (or a kernel thread) has no memory: size 0.
struct ProcStatm {
  std::uint64_t size_pages = 0;
  std::uint64_t resident_pages = 0;
  std::uint64_t page_bytes = 4096;
};
std::optional<ProcStatm> read_proc_statm(pid_t pid);
std::optional<std::uint64_t> resident_bytes(pid_t pid);
// Seconds since boot at which the process started.
double start_seconds_after_boot(std::uint64_t start_ticks);
double seconds_since_boot();
// True while the pid names a process that is not a zombie.
bool process_alive(pid_t pid);

}  // namespace pharoctl
