#include "util/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "util/failure.hpp"
#include "util/unique_fd.hpp"

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
  // The umask may have narrowed the mode given to open(2); the caller's mode is what it meant.
  ::fchmod(fd, mode);
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw operation_failed(fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
  }
  fsync_dir(dir);
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
  // open/read rather than an ifstream: every command reads service.toml files, start all of
  // them, and a stream's set-up costs more than the read of a small file. As before, what
  // could be read is returned when a read fails (a directory reads as "").
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw operation_failed(fmt::format("cannot read {}", path.string()));
  UniqueFd closer(fd);
  struct stat st {};
  std::string out;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace pharoctl
