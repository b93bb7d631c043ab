#pragma once
// The running pharoctl binary, for re-executing itself (supervisor, hooks, quickstart's steps).
#include <filesystem>

namespace pharoctl {

// /proc/self/exe resolved; throws Failure when it cannot be read.
std::filesystem::path self_exe();

}  // namespace pharoctl
