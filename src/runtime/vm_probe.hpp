#pragma once
// Which generation a VM is (pharo-vm.md section 2), found by asking it: `--version`, and the old
// Cog VM's `-version` when the first is refused. The generation decides the headless option, so
// a runtime installed from a directory gets it detected, never assumed.
#include <filesystem>
#include <optional>
#include <string>

#include "runtime/runtime.hpp"

namespace pharoctl {

// Reads a VM's version output: the old Cog VM's first line starts "5.0-" (and names
// CoInterpreter / StackToRegisterMappingCogit); the new pharo-vm names Pharo and a 9+ version.
// nullopt when the text fits neither.
std::optional<VmGeneration> generation_from_version_output(const std::string& output);

struct VmProbe {
  std::optional<VmGeneration> generation;
  std::string how;           // "vm --version" or "vm -version"
  std::string version_line;  // the first non-empty line, printable ASCII only
  std::string output;        // everything it said, for error messages
};

// Runs `vm --version` (then `vm -version`) in `cwd` with a short deadline. Throws
// Failure(kExitFailed) when the VM cannot be executed at all.
VmProbe probe_vm(const std::filesystem::path& vm, const std::filesystem::path& cwd);

// The generation a Pharo version (70, 80, 90, ..., 140) ships with: <= 80 old, else new.
std::optional<VmGeneration> generation_for_version(const std::string& version);

}  // namespace pharoctl
