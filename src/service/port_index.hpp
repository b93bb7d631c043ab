#pragma once
// What ports each service of a home declares (its instance count and base ports), remembered in
// HOME/.pharoctl-ports: one line per service, keyed by the stat of its service.toml (device,
// inode, size, mtime, ctime). `start` checks a service's ports against every other service of
// the home; with the index that costs one stat per service instead of reading and parsing each
// file (on this project's machines a system call costs microseconds: 9 of them and a SHA-256 per
// service were most of a start in a home of 50).
//
// A line is believed only while the file's stat is exactly the one it names. Any write to the
// file changes its ctime, which no tool can set back; an editor's rename changes the inode. A
// file changed within one tick of the filesystem's clock after it was read could keep its stat,
// so a file is remembered only once its ctime is older than that tick (git's "racily clean"
// rule): 100 ms, or 2 s where the filesystem keeps whole seconds (a ctime with no nanoseconds).
// The index is a cache: a missing, damaged or foreign line only means that file is parsed.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "service/home.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

// What identifies one state of a file's content, short of reading it.
struct FileKey {
  std::uint64_t device = 0, inode = 0, size = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const FileKey&) const = default;
};

// Whether a file last changed at `key` may be remembered by its stat at `now_ns` (realtime,
// taken before the stat): its ctime is older than the filesystem's clock tick.
bool key_settled(const FileKey& key, std::int64_t now_ns);

class PortIndex {
 public:
  // HOME's index as written; empty when absent, damaged as a whole or of another version (a
  // damaged line alone is dropped).
  static PortIndex load(const Home& home);
  static PortIndex parse(std::string_view text);

  // Every service of the home whose service.toml loads, in name order: its name, instance count
  // and base ports (the rest default), from the index where the key matches, else parsed. Files
  // that do not load are left out (doctor reports them). Reads only; save() writes. `now_ns`:
  // the realtime clock before the first stat (key_settled), given by tests.
  std::vector<ServiceConfig> services(const Home& home);
  std::vector<ServiceConfig> services(const Home& home, std::int64_t now_ns);

  // Writes the index when what services() saw differs from what was loaded (best effort: a home
  // it cannot write to goes without). Only `start` and its kin call it, once their checks passed.
  void save(const Home& home) const;

  // The text save() writes; whether it differs from what was loaded.
  std::string text() const;
  bool changed() const { return text() != loaded_; }

  // One line's content, for tests.
  struct Entry {
    std::string name;
    FileKey key;
    int instances = 1, http = 0, telnet = 0, metrics = 0;
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;  // as loaded; after services(), the settled ones it saw
  std::string loaded_;          // the text as loaded, "" when there was none
};

}  // namespace pharoctl
