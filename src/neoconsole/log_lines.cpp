#include "neoconsole/log_lines.hpp"

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
    if (name.size() != source.prefix.size() + 14 || name.rfind(source.prefix, 0) != 0) continue;
    if (name.compare(name.size() - 4, 4, ".log") != 0) continue;
    std::string date = name.substr(source.prefix.size(), 10);
    if (is_date(date)) out.push_back({date, entry.path()});
  }
  std::sort(out.begin(), out.end(), [](const DatedFile& a, const DatedFile& b) { return a.date < b.date; });
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

std::vector<LogLine> tail_logs(const std::vector<LogSource>& sources, size_t count, std::vector<FilePosition>& end_positions) {
  std::vector<std::vector<DatedFile>> files;
  std::set<std::string, std::greater<>> dates;
  end_positions.assign(sources.size(), FilePosition{});
  for (size_t i = 0; i < sources.size(); ++i) {
    files.push_back(list_log_files(sources[i]));
    for (const auto& f : files.back()) dates.insert(f.date);
  }
  // Newest days first, until they hold enough lines; then the chosen days in order.
  std::map<std::pair<size_t, std::string>, std::string> content;  // (source, date) -> complete lines
  std::vector<std::string> chosen;
  size_t total = 0;
  for (const std::string& date : dates) {
    if (total >= count && !chosen.empty()) break;
    chosen.push_back(date);
    for (size_t i = 0; i < sources.size(); ++i) {
      for (const auto& f : files[i]) {
        if (f.date != date) continue;
        uint64_t offset = 0;
        std::string text = read_complete_lines(f.path, offset);
        total += static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
        if (&f == &files[i].back()) end_positions[i] = {f.path, f.date, offset, 0};
        content[{i, date}] = std::move(text);
      }
    }
  }
  std::vector<LogLine> lines;
  for (size_t i = 0; i < sources.size(); ++i) {
    int64_t last_ms = 0;
    for (auto it = chosen.rbegin(); it != chosen.rend(); ++it) {
      auto c = content.find({i, *it});
      if (c == content.end()) continue;
      last_ms = std::max(last_ms, local_midnight(*it));
      split_log_lines(c->second, i, last_ms, lines);
    }
    end_positions[i].last_ms = last_ms;
    if (!files[i].empty() && end_positions[i].path.empty()) {
      // The newest file lies beyond the chosen days (count already met): start following at its end.
      const DatedFile& newest = files[i].back();
      uint64_t offset = 0;
      read_complete_lines(newest.path, offset);
      end_positions[i] = {newest.path, newest.date, offset, last_ms};
    }
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
      if (f.date > pos.date) {
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
