#pragma once
// Which VM this process pretends to be: the generation (old Cog VM of Pharo <= 8, new pharo-vm
// of Pharo 9+) and its version texts. A runtime's pharo-vm/pharo is a copy of pharo-sim with
// pharo-sim.json beside it (found through /proc/self/exe); a bare pharo-sim reads
// PHARO_SIM_GENERATION / PHARO_SIM_PHARO_VERSION, else acts as the new VM of Pharo 13.
#include <filesystem>
#include <string>
#include <vector>

namespace sim {

enum class Generation { Old, New };

struct VmIdentity {
  Generation generation = Generation::New;
  std::string pharo_version = "130";
  std::filesystem::path exe;

  std::vector<std::string> version_lines() const;
  static VmIdentity load();
  static Generation generation_for(const std::string& pharo_version);  // <= 80: Old
};

}  // namespace sim
