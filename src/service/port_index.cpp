#include "service/port_index.hpp"

#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "util/lines.hpp"
#include "util/read_whole.hpp"

namespace pharoctl {

namespace {

constexpr std::string_view kHeader = "pharoctl-port-index 1";
constexpr std::int64_t kMillisecond = 1'000'000;

std::int64_t realtime_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t ns_of(const timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

FileKey key_of(const struct stat& st) {
  return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
          static_cast<std::uint64_t>(st.st_size), ns_of(st.st_mtim), ns_of(st.st_ctim)};
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// One line "name device inode size mtime ctime instances http telnet metrics"; nullopt when it
// is not one exactly.
std::optional<PortIndex::Entry> parse_entry(std::string_view line) {
  std::vector<std::string_view> f;
  while (!line.empty()) {
    size_t space = line.find(' ');
    f.push_back(line.substr(0, space));
    line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  }
  PortIndex::Entry e;
  if (f.size() != 10 || !check_service_name(std::string(f[0])).empty()) return std::nullopt;
  e.name = f[0];
  bool ok = parse_number(f[1], e.key.device) && parse_number(f[2], e.key.inode) && parse_number(f[3], e.key.size) &&
            parse_number(f[4], e.key.mtime_ns) && parse_number(f[5], e.key.ctime_ns) &&
            parse_number(f[6], e.instances) && parse_number(f[7], e.http) && parse_number(f[8], e.telnet) &&
            parse_number(f[9], e.metrics);
  if (!ok || e.instances < 1) return std::nullopt;
  return e;
}

ServiceConfig config_of(const PortIndex::Entry& e) {
  ServiceConfig c;
  c.name = e.name;
  c.instances = e.instances;
  c.app.http_port = e.http;
  c.console.telnet_port = e.telnet;
  c.console.metrics_port = e.metrics;
  return c;
}

}  // namespace

bool key_settled(const FileKey& key, std::int64_t now_ns) {
  // A filesystem that keeps whole seconds (ext4 with small inodes, FAT's two) shows no
  // nanoseconds; one with finer times moves in ticks of at most a jiffy here.
  bool whole_seconds = key.ctime_ns % 1'000'000'000 == 0 && key.mtime_ns % 1'000'000'000 == 0;
  std::int64_t tick = whole_seconds ? 2'000 * kMillisecond : 100 * kMillisecond;
  return key.ctime_ns + tick <= now_ns;
}

PortIndex PortIndex::parse(std::string_view text) {
  PortIndex index;
  index.loaded_ = std::string(text);
  std::vector<std::string_view> lines = split_lines(text);
  if (lines.empty() || lines[0] != kHeader) return index;
  // A line cut short may still read as a line: only those a newline ends count.
  size_t whole = text.empty() || text.back() == '\n' ? lines.size() : lines.size() - 1;
  for (size_t i = 1; i < whole; ++i) {
    if (std::optional<Entry> e = parse_entry(lines[i])) index.entries_.push_back(std::move(*e));
  }
  return index;
}

PortIndex PortIndex::load(const Home& home) {
  std::optional<std::string> text = read_whole(home.port_index().string());
  return text ? parse(*text) : PortIndex();
}

std::vector<ServiceConfig> PortIndex::services(const Home& home) { return services(home, realtime_ns()); }

std::vector<ServiceConfig> PortIndex::services(const Home& home, std::int64_t now_ns) {
  std::vector<ServiceConfig> out;
  std::vector<Entry> seen;
  for (Home::ServiceFile& file : home.service_files()) {
    const FileKey key = key_of(file.toml);
    const std::string& name = file.name;
    auto known = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.name == name; });
    if (known != entries_.end() && known->key == key) {
      out.push_back(config_of(*known));
      seen.push_back(*known);
      continue;
    }
    // Read after the stat: a change in between shows as another key next time.
    const std::filesystem::path toml = home.service(name).service_toml();
    std::optional<std::string> text = read_whole(toml.string());
    if (!text) continue;
    try {
      ServiceConfig parsed = parse_service_file(*text, toml);
      if (key_settled(key, now_ns)) {
        seen.push_back({name, key, parsed.instances, parsed.app.http_port, parsed.console.telnet_port,
                        parsed.console.metrics_port});
      }
      out.push_back(std::move(parsed));
    } catch (const std::exception&) {
      // doctor reports it; nobody can tell its ports
    }
  }
  entries_ = std::move(seen);
  return out;
}

std::string PortIndex::text() const {
  std::string out = std::string(kHeader) + "\n";
  for (const Entry& e : entries_) {
    out += fmt::format("{} {} {} {} {} {} {} {} {} {}\n", e.name, e.key.device, e.key.inode, e.key.size, e.key.mtime_ns,
                       e.key.ctime_ns, e.instances, e.http, e.telnet, e.metrics);
  }
  return out;
}

void PortIndex::save(const Home& home) const {
  if (!changed()) return;
  try {
    write_file_atomic(home.port_index(), text(), runtime_state);
  } catch (const std::exception&) {
    // a read-only home: the next start parses the files again
  }
}

}  // namespace pharoctl
