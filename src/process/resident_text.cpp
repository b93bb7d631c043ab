#include "process/resident_text.hpp"

#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace pharoctl {

namespace {

int release_segments(dl_phdr_info* info, size_t, void* data) {
  auto* released = static_cast<std::size_t*>(data);
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W) != 0) continue;
    std::uintptr_t begin = (info->dlpi_addr + ph.p_vaddr) & ~(page - 1);
    std::uintptr_t end = (info->dlpi_addr + ph.p_vaddr + ph.p_memsz + page - 1) & ~(page - 1);
    // NOLINTNEXTLINE(performance-no-int-to-ptr): the segment's address, from the loader
    if (::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED) == 0) *released += end - begin;
  }
  return 1;  // the first object is the executable itself: stop there
}

}  // namespace

std::size_t release_resident_text() {
  std::size_t released = 0;
  ::dl_iterate_phdr(release_segments, &released);
  return released;
}

}  // namespace pharoctl
