#pragma once
// A service's logs as one stream: the supervisor's daily files `logs/<stem>-YYYY-MM-DD.log`
// (lines "<ISO-8601 local time with ms and offset> <out|err|sup> <text>", docs/architecture.md)
// and the image's own `logs/server[.I]-YYYY-MM-DD.log`, interleaved by time.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pharoctl::neoconsole {

// One daily-file series: every `<dir>/<prefix>YYYY-MM-DD.log`.
struct LogSource {
  std::filesystem::path dir;
  std::string prefix;  // "shop-", "shop.1-", "server-", "server.1-"
  std::string label;   // shown before each line when several instances are mixed; "" for none
};

struct DatedFile {
  std::string date;  // YYYY-MM-DD
  std::filesystem::path path;
  bool rotated = false;  // <prefix>DATE.log.1: the part of that day before [logs] max_size was reached
};
// The source's files, oldest first (a day's rotated part before the day's file).
std::vector<DatedFile> list_log_files(const LogSource& source);

// Milliseconds since the epoch of a timestamp at the start of a line: ISO-8601 with 'T' or ' '
// between date and time, optional fraction, optional offset (Z, +HH:MM, +HHMM); without an
// offset the time is local. nullopt when the line does not start with one.
std::optional<int64_t> line_time(const std::string& line);
// Local midnight of a YYYY-MM-DD date, in ms since the epoch.
int64_t local_midnight(const std::string& date);

struct LogLine {
  int64_t time_ms;
  size_t source;  // index into the sources given
  std::string text;
};

// Splits complete lines of `text` into LogLines; lines without a timestamp take the time of the
// line before them (`last_ms`, updated), so an image's multi-line output stays in one piece.
void split_log_lines(const std::string& text, size_t source, int64_t& last_ms, std::vector<LogLine>& out);

// Sorts by time, keeping the order of equal times (sources in the order given, lines in file order).
void interleave(std::vector<LogLine>& lines);

// The bytes of the last `count` complete lines of `path` (fewer when the file has fewer), read
// backwards from the end so that the time taken does not grow with the file; `end_offset`
// receives the offset after the last complete line.
std::string last_lines_of(const std::filesystem::path& path, size_t count, uint64_t& end_offset);

// The last `count` lines over all sources, interleaved; `end_offsets` receives, per source, the
// newest file and the offset after its last complete line (where following goes on).
struct FilePosition {
  std::filesystem::path path;
  std::string date;
  uint64_t offset = 0;
  int64_t last_ms = 0;
};
std::vector<LogLine> tail_logs(const std::vector<LogSource>& sources, size_t count, std::vector<FilePosition>& end_positions);

// Reads what was appended since `pos` (complete lines only) and moves on to newer daily files
// of the source once they appear: this is how following crosses midnight.
void read_new_lines(const LogSource& source, size_t index, FilePosition& pos, std::vector<LogLine>& out);

std::string format_log_line(const LogSource& source, const LogLine& line);

}  // namespace pharoctl::neoconsole
