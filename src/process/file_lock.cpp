#include "process/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "util/failure.hpp"

namespace pharoctl {

namespace {

UniqueFd open_lock_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw operation_failed(fmt::format("{}: cannot open lock file: {}", path.string(), std::strerror(errno)));
  return UniqueFd(fd);
}

bool try_flock(int fd, int op) {
  for (;;) {
    if (::flock(fd, op | LOCK_NB) == 0) return true;
    if (errno != EINTR) return false;
  }
}

}  // namespace

std::optional<FileLock> FileLock::try_acquire(const std::filesystem::path& path, std::chrono::milliseconds patience) {
  UniqueFd fd = open_lock_file(path);
  auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    if (try_flock(fd.get(), LOCK_EX)) return FileLock(std::move(fd));
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    // A probe holds a shared lock for microseconds; look again shortly.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::optional<FileLock> FileLock::acquire(const std::filesystem::path& path, std::chrono::milliseconds timeout) {
  return try_acquire(path, timeout);
}

bool FileLock::is_held(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // no lock file: nobody ever held it
  UniqueFd owned(fd);
  if (try_flock(fd, LOCK_SH)) {
    ::flock(fd, LOCK_UN);
    return false;
  }
  return true;
}

void FileLock::record_pid(pid_t pid) const {
  std::string text = fmt::format("{}\n", pid);
  // Written over the old record, then cut only when that was longer: a truncation of a file
  // with data waits on the file system's journal (ms on a busy disk), on every start. A reader
  // in between sees digits then a newline either way (recorded_lock_pid reads the first number).
  if (::pwrite(fd_.get(), text.data(), text.size(), 0) < 0) return;
  struct stat st {};
  if (::fstat(fd_.get(), &st) == 0 && st.st_size > static_cast<off_t>(text.size()))
    (void)!::ftruncate(fd_.get(), static_cast<off_t>(text.size()));
}

bool FileLock::hold_posix_lock() const {
  struct flock l {};
  l.l_type = F_WRLCK;
  l.l_whence = SEEK_SET;  // l_start 0, l_len 0: the whole file
  for (;;) {
    if (::fcntl(fd_.get(), F_SETLK, &l) == 0) return true;
    if (errno != EINTR) return false;
  }
}

std::optional<pid_t> posix_lock_holder(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  UniqueFd owned(fd);
  struct flock l {};
  l.l_type = F_WRLCK;  // what would conflict with a write lock: any lock at all
  l.l_whence = SEEK_SET;
  if (::fcntl(fd, F_GETLK, &l) != 0 || l.l_type == F_UNLCK) return std::nullopt;
  return l.l_pid > 0 ? l.l_pid : 0;
}

pid_t recorded_lock_pid(const std::filesystem::path& path) {
  try {
    std::string t = read_file(path);
    return static_cast<pid_t>(std::stol(t));
  } catch (...) {
    return 0;
  }
}

}  // namespace pharoctl
