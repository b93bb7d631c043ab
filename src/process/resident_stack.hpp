#pragma once
// Drops the pages of the calling thread's stack below its current depth from the resident set.
// Set-up (parsing TOML, formatting, the first spawns) runs deep; the supervisor's loop runs a
// few kB from the top, and the pages below keep what set-up left there for the process's life.
// Nothing below the stack pointer is live (the x86-64 ABI's red zone is 128 bytes; a signal
// handler would run there, and the supervisor installs none: signals come through a signalfd),
// and MADV_DONTNEED on private anonymous memory is defined: a page touched again reads as zeros.
// The stack's mapping and its size limit stay as they are (docs/supervisor.md).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pharoctl {

struct StackMapping {
  std::uintptr_t begin = 0, end = 0;
};

// The private anonymous writable mapping of /proc/self/maps's text `maps` that holds `address`;
// nullopt when none does (or the one that does is a file's, shared or read-only).
std::optional<StackMapping> stack_mapping_in(std::string_view maps, std::uintptr_t address);

// Releases the calling thread's stack from its mapping's lowest page up to `margin` bytes (page
// aligned) below the current stack pointer. Returns the bytes released (0 when the mapping was
// not found or the stack is shallower than the margin).
std::size_t release_unused_stack(std::size_t margin = 4096);

}  // namespace pharoctl
