#include "cli/version.hpp"

#include <fmt/format.h>

#include "pharoctl_build_info.hpp"  // generated at each build: PHAROCTL_GIT_COMMIT
#include "runtime/install_source.hpp"

#ifndef PHAROCTL_BUILD_TYPE
#define PHAROCTL_BUILD_TYPE "unknown"
#endif

namespace pharoctl::cli {

std::string version_text() {
  std::string versions;
  for (const char* v : kPharoVersions) versions += std::string(versions.empty() ? "" : " ") + v;
  return fmt::format(
      "pharoctl {}\n"
      "commit:   {}\n"
      "build:    {}, g++ {}, C++{}\n"
      "install:  Pharo {} (files.pharo.org layout), sim (pharo-sim)\n"
      "VMs:      64-bit Cog/Spur of Pharo 7 and 8 (--nodisplay), pharo-vm of Pharo 9 and later (--headless)\n"
      "images:   64-bit Spur, formats 68021 and 68533 (SistaV1 bytecodes)",
      PHAROCTL_VERSION, PHAROCTL_GIT_COMMIT, PHAROCTL_BUILD_TYPE, __VERSION__, __cplusplus / 100 % 100, versions);
}

}  // namespace pharoctl::cli
