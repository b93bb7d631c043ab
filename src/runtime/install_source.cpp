#include "runtime/install_source.hpp"

#include <fmt/format.h>

#include "service/home.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

ZipNames zip_names_for(const std::string& version) {
  if (version == "70" || version == "80") return {"pharo64.zip", "pharo64-linux-stable.zip"};
  for (const char* v : {"90", "100", "110", "120", "130", "140"}) {
    if (version == v) return {"pharoImage-x86_64.zip", "pharo-vm-Linux-x86_64-stable.zip"};
  }
  throw usage_error(fmt::format("unknown Pharo version '{}': use one of 70 80 90 100 110 120 130 140, or sim", version));
}

std::string download_base_url(const std::string& mirror, const std::string& version) {
  std::string base = mirror.empty() ? kFilesPharoOrg : mirror;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return fmt::format("{}/get-files/{}/", base, version);
}

std::vector<fs::path> find_zips_in(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const char* name : {"pharo64.zip", "pharoImage-x86_64.zip", "pharo64-linux-stable.zip",
                           "pharo-vm-Linux-x86_64-stable.zip"}) {
    std::error_code ec;
    if (fs::is_regular_file(dir / name, ec)) out.push_back(dir / name);
  }
  return out;
}

std::string stage_zips(const std::vector<fs::path>&, const fs::path&, const InstallOptions&) {
  throw operation_failed("installing from zips is not implemented yet");
}

std::vector<fs::path> download_zips(const Home&, const InstallOptions&) {
  throw operation_failed("downloading runtimes is not implemented yet");
}

}  // namespace pharoctl
