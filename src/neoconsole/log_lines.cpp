#include "neoconsole/log_lines.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

namespace pharoctl::neoconsole {

namespace fs = std::filesystem;

namespace {

bool digits(const std::string& s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

int num(const std::string& s, size_t pos, size_t n) { return std::stoi(s.substr(pos, n)); }

bool is_date(const std::string& s) {
  return s.size() == 10 && digits(s, 0, 4) && s[4] == '-' && digits(s, 5, 2) && s[7] == '-' && digits(s, 8, 2);
}

// Reads the file from `offset`; returns the bytes up to and including the last line end.
std::string read_complete_lines(const fs::path& path, uint64_t& offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  auto size = static_cast<uint64_t>(in.tellg());
  if (size < offset) offset = 0;  // truncated or replaced: start over
  in.seekg(static_cast<std::streamoff>(offset));
  std::string data(size - offset, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  size_t last_nl = data.rfind('\n');
  if (last_nl == std::string::npos) return "";
  data.resize(last_nl + 1);
  offset += data.size();
  return data;
}

}  // namespace

std::vector<DatedFile> list_log_files(const LogSource& source) {
  std::vector<DatedFile> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(source.dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(source.prefix, 0) != 0) continue;
    std::string rest = name.substr(source.prefix.size());
    bool rotated = rest.size() == 16 && rest.compare(10, 6, ".log.1") == 0;
    if (!rotated && !(rest.size() == 14 && rest.compare(10, 4, ".log") == 0)) continue;
    std::string date = rest.substr(0, 10);
    if (is_date(date)) out.push_back({date, entry.path(), rotated});
  }
  std::sort(out.begin(), out.end(), [](const DatedFile& a, const DatedFile& b) {
    return a.date != b.date ? a.date < b.date : a.rotated > b.rotated;
  });
  return out;
}

std::optional<int64_t> line_time(const std::string& line) {
  // YYYY-MM-DD[T ]HH:MM:SS
  if (!(digits(line, 0, 4) && line.size() >= 19 && line[4] == '-' && digits(line, 5, 2) && line[7] == '-' &&
        digits(line, 8, 2) && (line[10] == 'T' || line[10] == ' ') && digits(line, 11, 2) && line[13] == ':' &&
        digits(line, 14, 2) && line[16] == ':' && digits(line, 17, 2))) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = num(line, 0, 4) - 1900;
  tm.tm_mon = num(line, 5, 2) - 1;
  tm.tm_mday = num(line, 8, 2);
  tm.tm_hour = num(line, 11, 2);
  tm.tm_min = num(line, 14, 2);
  tm.tm_sec = num(line, 17, 2);
  size_t pos = 19;
  int64_t ms = 0;
  if (pos < line.size() && (line[pos] == '.' || line[pos] == ',')) {
    size_t start = ++pos;
    while (pos < line.size() && std::isdigit(static_cast<unsigned char>(line[pos]))) ++pos;
    std::string frac = line.substr(start, std::min<size_t>(pos - start, 3));
    while (frac.size() < 3) frac += '0';
    ms = std::stoi(frac);
  }
  std::optional<int> offset_min;
  if (pos < line.size() && line[pos] == 'Z') {
    offset_min = 0;
  } else if (pos < line.size() && (line[pos] == '+' || line[pos] == '-') && digits(line, pos + 1, 2)) {
    int sign = line[pos] == '-' ? -1 : 1;
    int hh = num(line, pos + 1, 2);
    if (pos + 5 < line.size() + 1 && line.size() >= pos + 6 && line[pos + 3] == ':' && digits(line, pos + 4, 2)) {
      offset_min = sign * (hh * 60 + num(line, pos + 4, 2));
    } else if (digits(line, pos + 3, 2)) {
      offset_min = sign * (hh * 60 + num(line, pos + 3, 2));
    }
  }
  int64_t seconds;
  if (offset_min) {
    seconds = static_cast<int64_t>(::timegm(&tm)) - int64_t{*offset_min} * 60;
  } else {
    tm.tm_isdst = -1;
    seconds = static_cast<int64_t>(std::mktime(&tm));
  }
  return seconds * 1000 + ms;
}

int64_t local_midnight(const std::string& date) {
  std::tm tm{};
  tm.tm_year = num(date, 0, 4) - 1900;
  tm.tm_mon = num(date, 5, 2) - 1;
  tm.tm_mday = num(date, 8, 2);
  tm.tm_isdst = -1;
  return static_cast<int64_t>(std::mktime(&tm)) * 1000;
}

void split_log_lines(const std::string& text, size_t source, int64_t& last_ms, std::vector<LogLine>& out) {
  size_t start = 0;
  while (start < text.size()) {
    size_t eol = text.find('\n', start);
    if (eol == std::string::npos) break;
    std::string line = text.substr(start, eol - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (auto t = line_time(line)) last_ms = *t;
    out.push_back({last_ms, source, std::move(line)});
    start = eol + 1;
  }
}

void interleave(std::vector<LogLine>& lines) {
  std::stable_sort(lines.begin(), lines.end(), [](const LogLine& a, const LogLine& b) { return a.time_ms < b.time_ms; });
}

std::string last_lines_of(const fs::path& path, size_t count, uint64_t& end_offset) {
  end_offset = 0;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return "";
  }
  constexpr size_t kChunk = 64 * 1024;
  auto size = static_cast<uint64_t>(st.st_size);
  std::string tail;  // bytes [pos, size) read so far
  uint64_t pos = size;
  bool end_found = false;
  uint64_t end = 0;     // after the last '\n'
  size_t lines = 0;     // complete lines seen before `end`
  uint64_t start = 0;   // where the first wanted line begins
  bool start_found = false;
  while (pos > 0 && !start_found) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, pos));
    pos -= n;
    std::string chunk(n, '\0');
    ssize_t got = ::pread(fd, chunk.data(), n, static_cast<off_t>(pos));
    if (got != static_cast<ssize_t>(n)) break;
    for (size_t i = n; i-- > 0;) {
      if (chunk[i] != '\n') continue;
      uint64_t at = pos + i;
      if (!end_found) {
        end_found = true;
        end = at + 1;
        if (count == 0) {
          start_found = true;  // only the end was asked for
          break;
        }
        continue;
      }
      if (++lines == count) {
        start = at + 1;
        start_found = true;
        break;
      }
    }
    tail.insert(0, chunk);
  }
  ::close(fd);
  if (!end_found || count == 0) {
    end_offset = end_found ? end : 0;
    return "";
  }
  end_offset = end;
  // `tail` holds [pos, size); the lines wanted are [start, end).
  return tail.substr(static_cast<size_t>(start - pos), static_cast<size_t>(end - start));
}

std::vector<LogLine> tail_logs(const std::vector<LogSource>& sources, size_t count, std::vector<FilePosition>& end_positions) {
  end_positions.assign(sources.size(), FilePosition{});
  std::vector<LogLine> lines;
  for (size_t i = 0; i < sources.size(); ++i) {
    std::vector<DatedFile> files = list_log_files(sources[i]);
    // Following goes on at the end of the newest day's file.
    for (auto it = files.rbegin(); it != files.rend(); ++it) {
      if (it->rotated) continue;
      uint64_t end = 0;
      last_lines_of(it->path, 0, end);
      end_positions[i] = {it->path, it->date, end, 0};
      break;
    }
    // Newest files first, each read from its end, until they hold `count` lines.
    std::vector<std::pair<const DatedFile*, std::string>> picked;
    size_t total = 0;
    for (auto it = files.rbegin(); it != files.rend() && total < count; ++it) {
      uint64_t end = 0;
      std::string text = last_lines_of(it->path, count - total, end);
      total += static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
      picked.emplace_back(&*it, std::move(text));
    }
    int64_t last_ms = 0;
    for (auto it = picked.rbegin(); it != picked.rend(); ++it) {
      last_ms = std::max(last_ms, local_midnight(it->first->date));
      split_log_lines(it->second, i, last_ms, lines);
    }
    end_positions[i].last_ms = last_ms;
  }
  interleave(lines);
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(count));
  return lines;
}

void read_new_lines(const LogSource& source, size_t index, FilePosition& pos, std::vector<LogLine>& out) {
  for (;;) {
    if (!pos.path.empty()) {
      std::string text = read_complete_lines(pos.path, pos.offset);
      split_log_lines(text, index, pos.last_ms, out);
    }
    // A newer daily file means the old one is finished: the writer switched at midnight.
    std::optional<DatedFile> next;
    for (const DatedFile& f : list_log_files(source)) {
      if (!f.rotated && f.date > pos.date) {
        next = f;
        break;
      }
    }
    if (!next) return;
    if (!pos.path.empty()) {
      // One last look at the old file: lines written just before the switch.
      std::string text = read_complete_lines(pos.path, pos.offset);
      split_log_lines(text, index, pos.last_ms, out);
    }
    pos = {next->path, next->date, 0, std::max(pos.last_ms, local_midnight(next->date))};
  }
}

std::string format_log_line(const LogSource& source, const LogLine& line) {
  if (source.label.empty()) return line.text;
  return fmt::format("{}| {}", source.label, line.text);
}

}  // namespace pharoctl::neoconsole
