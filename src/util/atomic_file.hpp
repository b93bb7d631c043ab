#pragma once
// Atomic file writes: a temp file in the same directory, fsync, then rename(2). A reader sees
// the old content or the new one, never half of either.
#include <filesystem>
#include <string_view>
#include <sys/types.h>

namespace pharoctl {

void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       mode_t mode = 0644);

// Replaces (or creates) the symlink `link` pointing at `target` atomically: a new link under a
// temp name, then rename(2) over the old one. Never unlink-then-link.
void replace_symlink_atomic(const std::filesystem::path& link, const std::filesystem::path& target);

std::string read_file(const std::filesystem::path& path);

}  // namespace pharoctl
