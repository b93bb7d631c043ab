#pragma once
// build.st: what `pharoctl build` has the VM evaluate with `st --save --quit` on a scratch copy
// of the runtime's base image (pharo-vm.md section 3, the recipe production users converged
// on): Epicea off, NeoConsole loaded, the service's baseline and groups, clean-up. The VM's
// --save then snapshots the result. Credentials never appear here: Metacello and Iceberg read
// them from the VM's environment.
#include <string>

#include "service/service_config.hpp"

namespace pharoctl {

std::string render_build_script(const ServiceConfig& config);

// What build.st prints as its very last statement, and only then: `pharoctl build` counts a
// build as made only when the VM's output has it. The script computes part of it (6 * 7), so
// an image that merely echoes the script's text does not print it.
inline constexpr const char* kBuildCompletedMarker = "pharoctl: build.st completed 42";

}  // namespace pharoctl
