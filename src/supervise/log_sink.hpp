#pragma once
// One instance's daily log: logs/<stem>-YYYY-MM-DD.log, one line per write in the format of
// docs/architecture.md ("<local ISO-8601 time with ms and offset> <out|err|sup> <text>").
// The file follows the (injected) clock's local date, so the first line after midnight opens
// the next day's file; each switch also deletes this instance's files, and the image's own
// server-*.log files, older than keep_days.
// Faults never stop it (a VM must not stop because a disk is full): a line that cannot be
// written (ENOSPC, EDQUOT, EROFS, EIO) is held in a bounded backlog and written, oldest first,
// once the file takes writes again; what did not fit is counted and the count written then.
// Each failure and recovery is told once to the `trouble` callback (the supervisor's stderr).
// With a max_size, a file that would grow past it is renamed to <file>.1 (replacing an older
// .1 of that day) and a fresh one opened. A file deleted or renamed away under the sink is
// noticed within a second and reopened; reopen() does it at once (SIGHUP).
#include <filesystem>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/unique_fd.hpp"
#include "supervise/clock.hpp"

namespace pharoctl {

// File names "<prefix>YYYY-MM-DD<suffix>" that belong to one log series.
struct LogSeries {
  std::string prefix;  // "shop-", "shop.1-", "server-", "server.1-"
  std::string suffix = ".log";
};

class LogSink {
 public:
  LogSink(const Clock& clock, std::filesystem::path dir, std::string stem, std::vector<LogSeries> pruned, int keep_days);

  // One line; within a Batch it is written at the batch's end together with the others.
  // Returns the line's text as stored (cleaned), valid until the next write or flush.
  std::string_view write(std::string_view stream, std::string_view text);
  // While one lives, lines are gathered and written in one write(2) when it goes (or every
  // kBatchBytes): what the supervisor holds around each read of a VM's output.
  class Batch {
   public:
    // Its lines are stamped with the time it began (one clock read per read of a VM's output,
    // not one per line).
    explicit Batch(LogSink& sink) : sink_(sink) {
      if (sink_.batches_++ == 0) sink_.batch_time_ = sink_.clock_.wall();
    }
    ~Batch() {
      if (--sink_.batches_ == 0) sink_.flush();
    }
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;

   private:
    LogSink& sink_;
  };
  void flush();
  void set_keep_days(int keep_days) { keep_days_ = keep_days; }
  void set_max_size(std::uint64_t bytes) { max_size_ = bytes; }  // 0: no bound
  void set_trouble(std::function<void(const std::string&)> trouble) { trouble_ = std::move(trouble); }
  void reopen() { fd_.reset(); }  // the next write opens the path anew
  std::size_t held_bytes() const { return backlog_.size(); }
  // Deletes files of the pruned series dated before the oldest kept day. Returns their names.
  std::vector<std::string> prune();
  std::filesystem::path current_file() const { return dir_ / (stem_ + "-" + date_ + ".log"); }

 private:
  void open_for(const std::string& date);
  void reopen_if_moved(WallTime now);
  void rotate_if_full(std::size_t incoming);
  void append(std::string_view line, WallTime now);
  bool write_backlog(WallTime now);
  void hold(std::string_view line, int err);
  void tell(const std::string& what) const {
    if (trouble_) trouble_(what);
  }
  const std::string& stamp_for(WallTime now);

  static constexpr size_t kBatchBytes = 64 * 1024;

  const Clock& clock_;
  std::filesystem::path dir_;
  std::string stem_;
  std::vector<LogSeries> pruned_;
  int keep_days_;
  std::string date_;
  UniqueFd fd_;
  std::uint64_t max_size_ = 0;
  std::uint64_t size_ = 0;  // of the open file
  std::function<void(const std::string&)> trouble_;
  std::int64_t checked_second_ = 0;  // when reopen_if_moved last looked
  // Lines that could not be written yet, and what did not fit beside them.
  std::string backlog_;
  std::uint64_t lost_lines_ = 0;
  int failing_errno_ = 0;  // 0 while writes succeed
  WallTime last_retry_{};
  std::string pending_;  // whole lines not yet written
  std::string cleaned_;  // the text of the line written last, as stored
  int batches_ = 0;
  WallTime batch_time_{};  // when the outermost Batch began
  std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds> stamp_ms_{};
  std::string stamp_;
  std::string stamp_date_;
};

// How much a sink holds while its file takes no writes.
inline constexpr std::size_t kLogBacklogBytes = 256 * 1024;

// The oldest local date (YYYY-MM-DD) kept: today and the keep_days-1 days before it.
std::string oldest_kept_date(WallTime now, int keep_days);

// Splits a byte stream into lines; a line longer than `max_line` is cut into pieces.
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line = 16384) : max_line_(max_line) {}
  void feed(std::string_view bytes, const std::function<void(std::string_view)>& emit);
  void flush(const std::function<void(std::string_view)>& emit);

 private:
  size_t max_line_;
  std::string partial_;
};

}  // namespace pharoctl
