#pragma once
// A directory that goes, with all it holds, when its guard goes, unless release()d: a half-made
// service, runtime or test directory never outlives the step that failed to finish it.
#include <filesystem>
#include <string>

namespace pharoctl {

class DirectoryGuard {
 public:
  DirectoryGuard() = default;
  explicit DirectoryGuard(std::filesystem::path dir) : dir_(std::move(dir)) {}
  ~DirectoryGuard() {
    std::error_code ec;
    if (dir_.empty()) return;
    std::filesystem::remove_all(dir_, ec);
    if (empty_parent_) std::filesystem::remove(dir_.parent_path(), ec);  // rmdir(2): only if empty
  }
  DirectoryGuard(const DirectoryGuard&) = delete;
  DirectoryGuard& operator=(const DirectoryGuard&) = delete;

  const std::filesystem::path& path() const { return dir_; }
  // Hands the directory over (renamed into place, say): the guard no longer removes it.
  void release() { dir_.clear(); }
  // Also removes the parent when removing the directory leaves it empty: a parent that was
  // made for it.
  void also_empty_parent() { empty_parent_ = true; }

 private:
  std::filesystem::path dir_;
  bool empty_parent_ = false;
};

// mkdtemp(3) of PARENT/PREFIXXXXXXX: a fresh directory (0700) no other process chose. Throws
// Failure(kExitFailed) "cannot create a directory in PARENT: <strerror>".
std::filesystem::path make_unique_directory(const std::filesystem::path& parent, const std::string& prefix);

}  // namespace pharoctl
