#include "util/read_whole.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "util/unique_fd.hpp"

namespace pharoctl {

std::optional<std::string> read_whole(const std::string& path, std::uint64_t from, std::size_t limit) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  if (from > 0 && ::lseek(fd.get(), static_cast<off_t>(from), SEEK_SET) < 0) return std::string();
  std::string text;
  // A small first read: /proc files and service.toml fit; larger files grow the string.
  size_t chunk = 4096;
  while (text.size() < limit) {
    size_t have = text.size();
    chunk = std::min(chunk, limit - have);
    text.resize(have + chunk);
    ssize_t n = ::read(fd.get(), text.data() + have, chunk);
    if (n < 0 && errno == EINTR) {
      text.resize(have);
      continue;
    }
    text.resize(have + (n > 0 ? static_cast<size_t>(n) : 0));
    if (n <= 0) break;
    if (chunk < 65536) chunk *= 2;
  }
  return text;
}

}  // namespace pharoctl
