#include "supervise/event_log.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

namespace pharoctl {

bool is_journal_stream(const char* journal_stream, int fd) {
  if (journal_stream == nullptr || *journal_stream == '\0') return false;
  std::string text(journal_stream);
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long dev = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + colon) return false;
  unsigned long long ino = std::strtoull(text.c_str() + colon + 1, &end, 10);
  if (errno != 0 || *end != '\0') return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

std::string format_event(bool journal, Priority priority, WallTime at, std::string_view source,
                         std::string_view text) {
  std::string line = journal ? fmt::format("<{}>", static_cast<int>(priority)) : format_local_timestamp(at) + " ";
  line.append(source);
  line += ": ";
  for (char c : text) line += (c == '\n' || c == '\r') ? ' ' : c;
  line += '\n';
  return line;
}

EventLog::EventLog(const Clock& clock, int fd)
    : EventLog(clock, fd, is_journal_stream(std::getenv("JOURNAL_STREAM"), fd)) {}

void EventLog::write(Priority priority, std::string_view source, std::string_view text) const {
  std::string line = format_event(journal_, priority, clock_.wall(), source, text);
  // One write per line, so that journald sees each event whole; a full or closed stderr is
  // not a reason to stop supervising (the instance logs hold the same lines).
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return;
    }
  }
}

}  // namespace pharoctl
