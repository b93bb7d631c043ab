#pragma once
// Where the files of `install VERSION` come from: the zip names of files.pharo.org per version
// (pharo-vm.md section 1), their download, and their verified, safe unpacking into the
// installer's scratch directory.
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/installer.hpp"

namespace pharoctl {

class Home;

inline constexpr const char* kFilesPharoOrg = "https://files.pharo.org";

// The versions `install VERSION` knows, as files.pharo.org names them.
inline constexpr const char* kPharoVersions[] = {"70", "80", "90", "100", "110", "120", "130", "140"};

struct ZipNames {
  std::string image;  // "pharoImage-x86_64.zip"
  std::string vm;     // "pharo-vm-Linux-x86_64-stable.zip"
};

// The zip names for a version; throws Failure(kExitUsage) listing the known versions otherwise.
ZipNames zip_names_for(const std::string& version);
// "<base>/get-files/<version>/" with base = mirror or files.pharo.org.
std::string download_base_url(const std::string& mirror, const std::string& version);

// Zips in `dir` under one of the known names (an image zip and a VM zip), or none.
std::vector<std::filesystem::path> find_zips_in(const std::filesystem::path& dir);

// Unpacks the image zip into `scratch` (image, changes, sources at the top, the image and changes
// renamed to Pharo.image / Pharo.changes as get.pharo.org does) and the VM zip into
// `scratch`/pharo-vm. Returns the origin to record in runtime.toml.
std::string stage_zips(const std::vector<std::filesystem::path>& zips, const std::filesystem::path& scratch,
                       const InstallOptions& options);

// Downloads both zips of options.version into runtimes/.downloads/ (resuming what an earlier
// attempt left) and returns their paths.
std::vector<std::filesystem::path> download_zips(const Home& home, const InstallOptions& options);

}  // namespace pharoctl
