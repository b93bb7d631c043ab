#include "runtime/runtime_layout.hpp"

#include <unistd.h>

#include <algorithm>
#include <regex>
#include <vector>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> files_with_extension(const fs::path& dir, const std::string& ext) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ext && e.is_regular_file()) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string version_from_sources_name(const std::string& file_name) {
  static const std::regex modern(R"(^Pharo(\d+)\.(\d+)[^/]*\.sources$)");
  static const std::regex old(R"(^PharoV(\d)(\d)\.sources$)");
  std::smatch m;
  if (std::regex_match(file_name, m, modern) || std::regex_match(file_name, m, old)) {
    return m[1].str() + m[2].str();
  }
  return "";
}

RuntimeLayout find_runtime_layout(const fs::path& root) {
  RuntimeLayout layout;
  layout.root = root;
  std::error_code ec;
  fs::path vm = root / layout.vm;
  if (!fs::is_regular_file(vm, ec)) {
    throw operation_failed(fmt::format(
        "{}: no VM launcher pharo-vm/pharo (expected the layout get.pharo.org leaves: pharo-vm/, Pharo.image, "
        "Pharo.changes, *.sources)",
        root.string()));
  }
  if (::access(vm.c_str(), X_OK) != 0) {
    throw operation_failed(fmt::format("{}: pharo-vm/pharo is not executable (an unpacker that dropped the mode bits?)",
                                       root.string()));
  }
  std::vector<std::string> images = files_with_extension(root, ".image");
  if (images.empty()) throw operation_failed(fmt::format("{}: no .image file", root.string()));
  if (std::find(images.begin(), images.end(), "Pharo.image") != images.end()) {
    layout.image = "Pharo.image";
  } else if (images.size() == 1) {
    layout.image = images.front();
  } else {
    throw operation_failed(fmt::format("{}: several images ({}) and none is Pharo.image: which one is the base?",
                                       root.string(), fmt::join(images, ", ")));
  }
  layout.changes = fs::path(layout.image).replace_extension(".changes").string();
  if (!fs::is_regular_file(root / layout.changes, ec)) layout.changes.clear();
  layout.sources_candidates = files_with_extension(root, ".sources");
  for (const std::string& s : files_with_extension(root / "pharo-vm", ".sources"))
    layout.sources_candidates.push_back("pharo-vm/" + s);
  return layout;
}

}  // namespace pharoctl
