#pragma once
// Drops this executable's read-only pages (code, constants, unwind tables) from the process's
// resident set: madvise(MADV_DONTNEED) of its non-writable PT_LOAD segments. The pages stay in the
// page cache; the next use of each faults it back in (a minor fault, no I/O, 16 pages at a time).
// The supervisor calls it once after set-up, whose code (TOML, the checks of service.toml, the
// run scripts, the runtime) it does not run again until a reload (docs/supervisor.md).
// Returns the bytes of address space released (0 if nothing was).
#include <cstddef>

namespace pharoctl {

std::size_t release_resident_text();

}  // namespace pharoctl
