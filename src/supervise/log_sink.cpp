#include "supervise/log_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

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
}

void LogSink::open_for(const std::string& date) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  date_ = date;
  auto path = current_file();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  fd_.reset(fd);  // on failure lines are dropped: the VM must not stop because a disk is full
  prune();
}

void LogSink::write(std::string_view stream, std::string_view text) {
  WallTime now = clock_.wall();
  const std::string& stamp = stamp_for(now);
  if (stamp_date_ != date_ || !fd_.valid()) {
    flush();  // lines of the previous day go to its file
    open_for(stamp_date_);
  }
  if (!fd_.valid()) return;
  pending_.append(stamp).append(" ").append(stream).append(" ").append(text).append("\n");
  if (batches_ == 0 || pending_.size() >= kBatchBytes) flush();
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
// a VM's output): followers never see half a line.
void LogSink::flush() {
  if (pending_.empty()) return;
  if (fd_.valid()) {
    ssize_t n = ::write(fd_.get(), pending_.data(), pending_.size());
    (void)n;
  }
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
