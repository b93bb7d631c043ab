#pragma once
// The supervisor's own events (VM started, crashed, unhealthy, restarted, service ready or
// stopping) on its stderr, with a syslog priority. Under systemd, stderr is a journald stream:
// when JOURNAL_STREAM names the very file stderr is (device:inode), lines carry sd-daemon
// prefixes ("<3>shop.1: ...", sd-daemon(3)) and no timestamp of our own, so `journalctl -u
// pharo-NAME -p err` finds a crash. Anywhere else (a terminal, supervisor.out) lines keep the
// local timestamp. What to log and at which priority is decided by the supervisor; this file
// only knows how to write it.
#include <string>
#include <string_view>

#include "supervise/clock.hpp"

namespace pharoctl {

// syslog(3) levels, the numbers journald expects.
enum class Priority : int { Emerg = 0, Alert, Crit, Err, Warning, Notice, Info, Debug };

// True when `journal_stream` ("DEV:INODE", systemd.exec(5)) names the file open on `fd`.
bool is_journal_stream(const char* journal_stream, int fd);

// One line, newline included: "<N>SOURCE: TEXT" for the journal, "TIMESTAMP SOURCE: TEXT"
// otherwise. A newline inside text would start a new journal entry without a prefix, so it
// is written as a space.
std::string format_event(bool journal, Priority priority, WallTime at, std::string_view source,
                         std::string_view text);

class EventLog {
 public:
  // Writes to `fd`; journal mode when JOURNAL_STREAM (read once, here) matches it.
  EventLog(const Clock& clock, int fd);
  EventLog(const Clock& clock, int fd, bool journal) : clock_(clock), fd_(fd), journal_(journal) {}

  void write(Priority priority, std::string_view source, std::string_view text) const;
  bool journal() const { return journal_; }

 private:
  const Clock& clock_;
  int fd_;
  bool journal_;
};

}  // namespace pharoctl
