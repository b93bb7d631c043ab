#pragma once
// A fresh directory for one unit test: made by mkdtemp(3) under $TMPDIR (else /tmp), removed
// with all it holds when the owner goes, so a test that stops early at a failed ASSERT leaves
// nothing behind either.
#include <filesystem>
#include <string>

#include "util/directory_guard.hpp"

namespace pharoctl {

class ScratchDirectory {
 public:
  // `tag` goes into the name (pharoctl-TAG-XXXXXX), to tell whose directory a leftover was.
  explicit ScratchDirectory(const std::string& tag = "test")
      : guard_(make_unique_directory(std::filesystem::temp_directory_path(), "pharoctl-" + tag + "-")) {}

  const std::filesystem::path& path() const { return guard_.path(); }
  std::filesystem::path operator/(const std::filesystem::path& rel) const { return path() / rel; }

 private:
  DirectoryGuard guard_;
};

}  // namespace pharoctl
