#pragma once
// The VM's own command line, by generation (pharo-vm.md section 2): which options each accepts,
// their messages and exit status, and where the image and its arguments begin.
#include <optional>
#include <string>
#include <vector>

#include "vm_identity.hpp"

namespace sim {

struct VmCommandLine {
  bool print_version = false;
  bool print_help = false;
  std::string image;  // empty: the default image
  std::vector<std::string> image_args;
};

// Parses argv (without argv[0]). On a rejected option prints the generation's message to
// stderr and answers nullopt (the caller exits 1).
std::optional<VmCommandLine> parse_vm_options(const std::vector<std::string>& args, const VmIdentity& vm);

}  // namespace sim
