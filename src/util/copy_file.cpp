#include "util/copy_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "util/unique_fd.hpp"
#include "util/failure.hpp"

namespace pharoctl {

namespace {

[[noreturn]] void fail(const std::filesystem::path& from, const std::filesystem::path& to, int err) {
  throw operation_failed(fmt::format("cannot copy {} to {}: {}", from.string(), to.string(), std::strerror(err)));
}

}  // namespace

void copy_file_reporting(const std::filesystem::path& from, const std::filesystem::path& to, bool sync) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) fail(from, to, errno);
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) fail(from, to, errno);
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777));
  if (!out.valid()) fail(from, to, errno);
  auto give_up = [&](int err) {
    out.reset();
    ::unlink(to.c_str());
    fail(from, to, err);
  };
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(in.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) give_up(errno);
    if (n == 0) break;
    const char* p = buf.data();
    auto left = static_cast<size_t>(n);
    while (left > 0) {
      ssize_t w = ::write(out.get(), p, left);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) give_up(errno);
      p += w;
      left -= static_cast<size_t>(w);
    }
  }
  // Errors of delayed allocation surface at fsync or close, not at write.
  if (sync && ::fsync(out.get()) != 0 && errno != EINVAL) give_up(errno);
  if (::close(out.release()) != 0) give_up(errno);
}

}  // namespace pharoctl
