#pragma once
// A fresh directory for one unit test: made by mkdtemp(3) under $TMPDIR (else /tmp), removed
// with all it holds when the owner goes, so a test that stops early at a failed ASSERT leaves
// nothing behind either. Header-only: the unit tests are its only users.
#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

namespace pharoctl {

class ScratchDirectory {
 public:
  // `tag` goes into the name (pharoctl-TAG-XXXXXX), to tell whose directory a leftover was.
  explicit ScratchDirectory(const std::string& tag = "test") {
    std::string tmpl = (std::filesystem::temp_directory_path() / ("pharoctl-" + tag + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + tmpl);
    }
    path_ = tmpl;
  }
  ~ScratchDirectory() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

}  // namespace pharoctl
