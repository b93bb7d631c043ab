#pragma once
// Finding a program the way a shell does, and pharoctl's companions beside its own binary.
#include <filesystem>
#include <string>

namespace pharoctl {

// The first executable NAME in $PATH (default /usr/local/bin:/usr/bin:/bin), or "" when none.
std::filesystem::path find_on_path(const std::string& name);

// NAME beside the running pharoctl or in its libexec/pharoctl/ (helper_program), else
// find_on_path(NAME).
std::filesystem::path find_beside_self_or_on_path(const std::string& name);

}  // namespace pharoctl
