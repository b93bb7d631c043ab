#include "vm_identity.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

namespace sim {

Generation VmIdentity::generation_for(const std::string& v) { return std::atoi(v.c_str()) <= 80 ? Generation::Old : Generation::New; }

VmIdentity VmIdentity::load() {
  VmIdentity id;
  std::error_code ec;
  id.exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  bool from_file = false;
  if (!ec) {
    std::ifstream in(id.exe.parent_path() / "pharo-sim.json");
    if (in) {
      try {
        nlohmann::json j = nlohmann::json::parse(in);
        id.pharo_version = j.value("pharoVersion", "130");
        id.generation = j.value("generation", "new") == "old" ? Generation::Old : Generation::New;
        from_file = true;
      } catch (const nlohmann::json::exception&) {
      }
    }
  }
  if (!from_file) {
    if (const char* v = std::getenv("PHARO_SIM_PHARO_VERSION")) id.pharo_version = v;
    id.generation = generation_for(id.pharo_version);
    if (const char* g = std::getenv("PHARO_SIM_GENERATION")) id.generation = std::string(g) == "old" ? Generation::Old : Generation::New;
  }
  return id;
}

std::vector<std::string> VmIdentity::version_lines() const {
  if (generation == Generation::Old) {
    return {
        "5.0-202004241321  Fri Apr 24 13:21:07 UTC 2020 gcc 4.8.5 [Production Spur 64-bit VM] (pharo-sim)",
        "CoInterpreter VMMaker.oscog-eem.2760 uuid: 00000000-0000-4000-8000-000000000001 Apr 24 2020",
        "StackToRegisterMappingCogit VMMaker.oscog-eem.2760 uuid: 00000000-0000-4000-8000-000000000001 Apr 24 2020",
        "VM: 202004241321 pharo-sim (simulated Cog VM)",
        "Plugins: 202004241321 pharo-sim",
    };
  }
  int n = std::atoi(pharo_version.c_str());
  std::string vm = n >= 120 ? "10.3.1" : n >= 100 ? "10.0.5" : "9.0.21";
  return {fmt::format("Pharo {} built on Jan 15 2025 10:00:00 Compiler: 12.2.0 (pharo-sim, Pharo {}.{})", vm, n / 10, n % 10),
          fmt::format("Built from: v{} - Commit: 0000000 - Date: 2025-01-15 10:00:00 +0000 (pharo-sim)", vm)};
}

}  // namespace sim
