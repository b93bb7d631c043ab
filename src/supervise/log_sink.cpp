#include "supervise/log_sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "util/clean_text.hpp"

namespace pharoctl {

namespace {

bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

}  // namespace

std::string oldest_kept_date(WallTime now, int keep_days) {
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  ::localtime_r(&secs, &tm);
  tm.tm_mday -= std::max(keep_days, 1) - 1;
  tm.tm_hour = 12;  // noon: no DST edge can move the date
  tm.tm_isdst = -1;
  std::time_t back = ::mktime(&tm);
  std::tm out{};
  ::localtime_r(&back, &out);
  return fmt::format("{:04}-{:02}-{:02}", out.tm_year + 1900, out.tm_mon + 1, out.tm_mday);
}

LogSink::LogSink(const Clock& clock, std::filesystem::path dir, std::string stem, std::vector<LogSeries> pruned,
                 int keep_days)
    : clock_(clock), dir_(std::move(dir)), stem_(std::move(stem)), pruned_(std::move(pruned)), keep_days_(keep_days) {
  pruned_.insert(pruned_.begin(), LogSeries{stem_ + "-", ".log"});
  pruned_.insert(pruned_.begin() + 1, LogSeries{stem_ + "-", ".log.1"});
}

void LogSink::open_for(const std::string& date) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  bool new_day = date != date_;
  date_ = date;
  auto path = current_file();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  int err = errno;
  fd_.reset(fd);  // on failure lines are held (see hold): the VM goes on
  size_ = 0;
  struct stat st {};
  if (fd_.valid() && ::fstat(fd_.get(), &st) == 0) size_ = static_cast<std::uint64_t>(st.st_size);
  if (!fd_.valid() && failing_errno_ == 0) {
    failing_errno_ = err;
    tell(fmt::format("cannot open {}: {}; holding its lines until it can be written", path.string(), std::strerror(err)));
  }
  if (new_day) prune();
}

void LogSink::reopen_if_moved(WallTime now) {
  auto second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (second == checked_second_) return;
  checked_second_ = second;
  struct stat open_st {}, path_st {};
  if (::fstat(fd_.get(), &open_st) != 0) return;
  bool gone = ::stat(current_file().c_str(), &path_st) != 0;
  if (open_st.st_nlink == 0 || gone || open_st.st_ino != path_st.st_ino || open_st.st_dev != path_st.st_dev) {
    fd_.reset();
    open_for(date_);
  }
}

void LogSink::rotate_if_full(std::size_t incoming) {
  if (max_size_ == 0 || size_ == 0 || size_ + incoming <= max_size_ || !fd_.valid()) return;
  auto path = current_file();
  std::filesystem::path older = path.string() + ".1";
  fd_.reset();
  if (::rename(path.c_str(), older.c_str()) != 0) {
    tell(fmt::format("cannot rotate {} to {}: {}", path.string(), older.string(), std::strerror(errno)));
  }
  open_for(date_);
}

void LogSink::hold(std::string_view line, int err) {
  if (failing_errno_ == 0) {
    tell(fmt::format("cannot write {}: {}; holding its lines until it can be written", current_file().string(),
                     std::strerror(err)));
  }
  failing_errno_ = err;
  if (backlog_.size() + line.size() <= kLogBacklogBytes)
    backlog_.append(line);
  else
    lost_lines_ += std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::count(line.begin(), line.end(), '\n')));
}

bool LogSink::write_backlog(WallTime now) {
  if (backlog_.empty() && lost_lines_ == 0) return true;
  // While the file takes nothing, try again once a second, not at every line.
  if (failing_errno_ != 0 && now - last_retry_ < std::chrono::seconds(1)) return false;
  last_retry_ = now;
  if (!fd_.valid()) return false;
  std::string out;
  if (lost_lines_ > 0) {
    out = fmt::format("{} sup {} line{} lost: {} could not be written ({})\n", format_local_timestamp(now), lost_lines_,
                      lost_lines_ == 1 ? "" : "s", current_file().filename().string(), std::strerror(failing_errno_));
  }
  out += backlog_;
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::write(fd_.get(), out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failing_errno_ = n < 0 ? errno : ENOSPC;
      // Keep what is not written yet (a lost-lines note already out is not repeated).
      size_t note = out.size() - backlog_.size();
      if (done >= note) {
        backlog_.erase(0, done - note);
        lost_lines_ = 0;
      }
      size_ += done;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  size_ += done;
  tell(fmt::format("{} takes writes again: {} held byte{} written{}", current_file().string(), backlog_.size(),
                   backlog_.size() == 1 ? "" : "s", lost_lines_ ? fmt::format(", {} line(s) lost", lost_lines_) : ""));
  backlog_.clear();
  lost_lines_ = 0;
  failing_errno_ = 0;
  return true;
}

void LogSink::append(std::string_view line, WallTime now) {
  if (!write_backlog(now)) {
    hold(line, failing_errno_ ? failing_errno_ : EIO);
    return;
  }
  ssize_t n = ::write(fd_.get(), line.data(), line.size());
  if (n == static_cast<ssize_t>(line.size())) {
    size_ += line.size();
    return;
  }
  int err = n < 0 ? errno : ENOSPC;
  if (n > 0) {
    size_ += static_cast<size_t>(n);
    line.remove_prefix(static_cast<size_t>(n));
  }
  last_retry_ = now;
  hold(line, err);
}

std::string_view LogSink::write(std::string_view stream, std::string_view text) {
  WallTime now = batches_ > 0 ? batch_time_ : clock_.wall();
  const std::string& stamp = stamp_for(now);
  if (stamp_date_ != date_ || !fd_.valid()) {
    flush();  // lines of the previous day go to its file
    open_for(stamp_date_);
  } else {
    reopen_if_moved(now);
  }
  pending_.append(stamp).append(" ").append(stream).append(" ");
  // What a VM printed is stored cleaned: no escape sequence reaches `logs -f` or a log viewer.
  size_t from = pending_.size();
  append_clean_line(pending_, text);
  size_t length = pending_.size() - from;
  pending_.append("\n");
  if (batches_ == 0 || pending_.size() >= kBatchBytes) {
    cleaned_.assign(pending_, from, length);  // kept apart: the flush empties pending_
    flush();
    return cleaned_;
  }
  return std::string_view(pending_).substr(from, length);
}

// The timestamp prefix changes once per millisecond at most: formatting it (two localtime_r)
// for each of thousands of lines a millisecond was most of the sink's time.
const std::string& LogSink::stamp_for(WallTime now) {
  auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(now);
  if (ms != stamp_ms_ || stamp_.empty()) {
    stamp_ms_ = ms;
    stamp_ = format_local_timestamp(now);
    stamp_date_ = stamp_.substr(0, 10);  // the timestamp starts with the local date
  }
  return stamp_;
}

// Whole lines only, one write(2) on the O_APPEND file for all the lines of a batch (one read of
// a VM's output): followers never see half a line. What the file does not take is held.
void LogSink::flush() {
  if (pending_.empty()) return;
  rotate_if_full(pending_.size());
  if (!fd_.valid())
    hold(pending_, failing_errno_ ? failing_errno_ : EIO);
  else
    append(pending_, clock_.wall());
  pending_.clear();
}

std::vector<std::string> LogSink::prune() {
  std::vector<std::string> removed;
  std::string oldest = oldest_kept_date(clock_.wall(), keep_days_);
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir_, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    for (const auto& s : pruned_) {
      if (name.size() != s.prefix.size() + 10 + s.suffix.size()) continue;
      if (name.compare(0, s.prefix.size(), s.prefix) != 0) continue;
      if (name.compare(name.size() - s.suffix.size(), s.suffix.size(), s.suffix) != 0) continue;
      std::string date = name.substr(s.prefix.size(), 10);
      if (!is_date(date) || date >= oldest) continue;
      std::error_code rm;
      if (std::filesystem::remove(it->path(), rm)) removed.push_back(name);
      break;
    }
  }
  return removed;
}

void LineSplitter::feed(std::string_view bytes, const std::function<void(std::string_view)>& emit) {
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    std::string_view piece = bytes.substr(0, nl);
    if (partial_.empty() && nl != std::string_view::npos && piece.size() <= max_line_) {
      // A whole line in the bytes: handed on where it lies, not copied (a flood's common case).
      if (!piece.empty() && piece.back() == '\r') piece.remove_suffix(1);
      emit(piece);
      bytes.remove_prefix(nl + 1);
      continue;
    }
    if (partial_.size() + piece.size() > max_line_) {
      size_t take = max_line_ - partial_.size();
      partial_.append(piece.substr(0, take));
      emit(partial_);
      partial_.clear();
      bytes.remove_prefix(take);
      continue;
    }
    if (nl == std::string_view::npos) {
      partial_.append(piece);
      return;
    }
    partial_.append(piece);
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    emit(partial_);
    partial_.clear();
    bytes.remove_prefix(nl + 1);
  }
}

void LineSplitter::flush(const std::function<void(std::string_view)>& emit) {
  if (!partial_.empty()) emit(partial_);
  partial_.clear();
}

}  // namespace pharoctl
