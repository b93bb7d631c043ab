#pragma once
// The running pharoctl binary, for re-executing itself (supervisor, hooks, quickstart's steps),
// and the helper programs installed with it.
#include <filesystem>

namespace pharoctl {

// /proc/self/exe resolved; throws Failure when it cannot be read.
std::filesystem::path self_exe();

// A program shipped with pharoctl (pharoctl-supervise, pharo-sim): beside `pharoctl` (a build
// tree), else in the package's libexec directory relative to it (../libexec/pharoctl from
// /usr/bin). Empty when neither has an executable `name`.
std::filesystem::path helper_program(const std::filesystem::path& pharoctl, const char* name);

}  // namespace pharoctl
