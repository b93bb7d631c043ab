#include "util/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "util/failure.hpp"
#include "util/read_whole.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

std::string temp_name(const fs::path& path) {
  std::random_device rd;
  return fmt::format(".{}.tmp-{}-{:08x}", path.filename().string(), getpid(), rd());
}

void fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view content, mode_t mode) {
  write_file_atomic(path, content, AtomicWrite{.mode = mode});
}

void write_file_atomic(const fs::path& path, std::string_view content, const AtomicWrite& how) {
  const mode_t mode = how.mode;
  fs::path dir = path.parent_path();
  if (!dir.empty()) fs::create_directories(dir);
  fs::path tmp = dir / temp_name(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    throw operation_failed(fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  }
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw operation_failed(fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  // The umask may have narrowed the mode given to open(2); an exact mode is what the caller meant.
  if (how.exact_mode) ::fchmod(fd, mode);
  if (how.durable) ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw operation_failed(fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
  }
  if (how.durable) fsync_dir(dir);
}

void replace_symlink_atomic(const fs::path& link, const fs::path& target) {
  fs::path dir = link.parent_path();
  fs::path tmp = dir / temp_name(link);
  if (::symlink(target.c_str(), tmp.c_str()) != 0) {
    throw operation_failed(
        fmt::format("cannot create link {}: {}", link.string(), std::strerror(errno)));
  }
  if (::rename(tmp.c_str(), link.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw operation_failed(fmt::format("cannot switch link {}: {}", link.string(), std::strerror(err)));
  }
  fsync_dir(dir);
}

std::string read_file(const fs::path& path) {
  std::optional<std::string> text = read_whole(path.string());
  if (!text) throw operation_failed(fmt::format("cannot read {}", path.string()));
  return std::move(*text);
}

}  // namespace pharoctl
