#include "process/resident_stack.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <utility>

#include "util/unique_fd.hpp"

namespace pharoctl {

namespace {

enum class Holds { No, Stack, Other };

// One line of /proc/PID/maps, "start-end perms offset dev inode [path]": whether it holds
// `address`, and if so whether as private anonymous writable memory (what MADV_DONTNEED turns
// into zeros).
Holds line_holds(std::string_view line, std::uintptr_t address, StackMapping& out) {
  const char* p = line.data();
  const char* e = p + line.size();
  std::uintptr_t begin = 0, end = 0;
  auto r = std::from_chars(p, e, begin, 16);
  if (r.ec != std::errc() || r.ptr == e || *r.ptr != '-') return Holds::No;
  r = std::from_chars(r.ptr + 1, e, end, 16);
  if (r.ec != std::errc() || address < begin || address >= end) return Holds::No;
  std::string_view rest(r.ptr, static_cast<size_t>(e - r.ptr));
  std::string_view fields[4];  // perms, offset, dev, inode
  for (auto& f : fields) {
    size_t start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) return Holds::Other;
    rest.remove_prefix(start);
    f = rest.substr(0, rest.find(' '));
    rest.remove_prefix(f.size());
  }
  std::string_view perms = fields[0];
  if (perms.size() < 4 || perms[0] != 'r' || perms[1] != 'w' || perms[3] != 'p' || fields[3] != "0")
    return Holds::Other;
  out = StackMapping{begin, end};
  return Holds::Stack;
}

// The mapping of /proc/self/maps that holds `address`, read a block at a time (a line longer
// than the block, a file's long path, is skipped). Not inlined: its frame and its buffer lie
// below the caller's and are released with the rest.
[[gnu::noinline]] std::optional<StackMapping> own_mapping_of(std::uintptr_t address) {
  UniqueFd fd(::open("/proc/self/maps", O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  char buf[8192];
  size_t held = 0;
  bool skipping = false;  // inside a line that did not fit
  StackMapping m;
  for (;;) {
    ssize_t n = ::read(fd.get(), buf + held, sizeof buf - held);
    if (n <= 0) return std::nullopt;  // the end (no mapping holds it) or an error
    held += static_cast<size_t>(n);
    std::string_view text(buf, held);
    size_t done = 0;
    for (size_t nl; (nl = text.find('\n', done)) != std::string_view::npos; done = nl + 1) {
      if (std::exchange(skipping, false)) continue;
      Holds h = line_holds(text.substr(done, nl - done), address, m);
      if (h == Holds::Stack) return m;
      if (h == Holds::Other) return std::nullopt;
    }
    if (done == 0 && held == sizeof buf) {  // one line fills the block: drop what came of it
      skipping = true;
      held = 0;
      continue;
    }
    std::memmove(buf, buf + done, held - done);
    held -= done;
  }
}

}  // namespace

std::optional<StackMapping> stack_mapping_in(std::string_view maps, std::uintptr_t address) {
  StackMapping m;
  while (!maps.empty()) {
    std::string_view line = maps.substr(0, maps.find('\n'));
    maps.remove_prefix(std::min(maps.size(), line.size() + 1));
    Holds h = line_holds(line, address, m);
    if (h == Holds::Stack) return m;
    if (h == Holds::Other) return std::nullopt;
  }
  return std::nullopt;
}

std::size_t release_unused_stack(std::size_t margin) {
  // This frame's address: its locals, the callers' frames and `margin` below them stay.
  // NOLINTNEXTLINE(performance-no-int-to-ptr): an address, to find its mapping by
  const auto sp = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  auto m = own_mapping_of(sp);
  if (!m || sp - m->begin <= margin) return 0;
  std::uintptr_t end = (sp - margin) & ~(page - 1);
  if (end <= m->begin) return 0;
  // NOLINTNEXTLINE(performance-no-int-to-ptr): the mapping's own address, from /proc
  if (::madvise(reinterpret_cast<void*>(m->begin), end - m->begin, MADV_DONTNEED) != 0) return 0;
  return end - m->begin;
}

}  // namespace pharoctl
