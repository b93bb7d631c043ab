#pragma once
// The files of a Pharo runtime as get.pharo.org leaves them in a directory (pharo-vm.md
// section 1): which image, changes and sources file, and the VM launcher. `install --from DIR`
// and the unpacked zips of a download are both read through this.
#include <filesystem>
#include <string>

namespace pharoctl {

struct RuntimeLayout {
  std::filesystem::path root;
  std::string vm = "pharo-vm/pharo";  // relative to root
  std::string image;                  // "Pharo.image"
  std::string changes;                // "Pharo.changes"
  std::string sources;                // "Pharo13.0-64bit-abc1234.sources", or "pharo-vm/PharoV60.sources" (<= 6)
};

// Finds the parts in `root`. Throws Failure(kExitFailed) naming `root` and what is missing or
// ambiguous (no pharo-vm/pharo, a launcher that is not executable, no image or several, no
// changes file beside it, no sources file).
RuntimeLayout find_runtime_layout(const std::filesystem::path& root);

// "Pharo13.0-64bit-e9a5c7c.sources" -> "130", "PharoV60.sources" -> "60"; "" when the name
// does not say.
std::string version_from_sources_name(const std::string& file_name);

}  // namespace pharoctl
