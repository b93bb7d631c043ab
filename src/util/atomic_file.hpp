#pragma once
// Atomic file writes: a temp file in the same directory, fsync, then rename(2). A reader sees
// the old content or the new one, never half of either.
#include <filesystem>
#include <string_view>
#include <sys/types.h>

namespace pharoctl {

void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       mode_t mode = 0644);

// How a file is written when the default (the exact mode, fsync'd) is not what it wants.
struct AtomicWrite {
  mode_t mode = 0644;
  // false: the mode is given to open(2) and narrowed by the umask, like any file the process
  // creates; true: it is set exactly, whatever the umask.
  bool exact_mode = true;
  // false: rename(2) without fsync: still all-or-nothing for a reader, but a power loss may take
  // the write back. For runtime state that is rebuilt or proven before it is trusted.
  bool durable = true;
};

// Runtime state (pid records and the like): umask'd mode, no fsync.
inline constexpr AtomicWrite runtime_state{.mode = 0644, .exact_mode = false, .durable = false};

void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       const AtomicWrite& how);

// Replaces (or creates) the symlink `link` pointing at `target` atomically: a new link under a
// temp name, then rename(2) over the old one. Never unlink-then-link.
void replace_symlink_atomic(const std::filesystem::path& link, const std::filesystem::path& target);

std::string read_file(const std::filesystem::path& path);

}  // namespace pharoctl
