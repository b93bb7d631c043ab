#pragma once
// The files of a Pharo runtime as get.pharo.org leaves them in a directory (pharo-vm.md
// section 1): which image, changes and sources file, and the VM launcher. `install --from DIR`
// and the unpacked zips of a download are both read through this.
#include <filesystem>
#include <string>
#include <vector>

namespace pharoctl {

struct RuntimeLayout {
  std::filesystem::path root;
  std::string vm = "pharo-vm/pharo";  // relative to root
  std::string image;                  // "Pharo.image"
  std::string changes;                // "Pharo.changes"; "" when there is none (the VM runs without)
  // Every .sources file beside the image (or, for Pharo <= 6, in pharo-vm/): the installer picks
  // the one the image's version needs (runtime/image_version.hpp).
  std::vector<std::string> sources_candidates;  // "Pharo8.0-32bit-9f5ce2e.sources", "pharo-vm/PharoV60.sources"
};

// Finds the parts in `root`. Throws Failure(kExitFailed) naming `root` and what is missing or
// ambiguous (no pharo-vm/pharo, a launcher that is not executable, no image or several). A
// missing .changes or .sources is no error: the VM runs such an image (the installer warns).
RuntimeLayout find_runtime_layout(const std::filesystem::path& root);

// "Pharo13.0-64bit-e9a5c7c.sources" -> "130", "PharoV60.sources" -> "60"; "" when the name
// does not say.
std::string version_from_sources_name(const std::string& file_name);

}  // namespace pharoctl
