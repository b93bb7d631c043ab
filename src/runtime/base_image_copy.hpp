#pragma once
// A service that has no release yet runs its own copy of the runtime's base image, never the
// runtime's file: a real image writes itself (its first start saves it in place, code filed in
// appends to its .changes), and a runtime is shared by every service and by the build cache.
// The copy lives in <service>/base/<runtime>/ (docs/runtimes-and-builds.md, "Before the first
// deploy"): made once, by copying into a scratch directory and one rename, and kept, so that
// what the image saved survives restarts just as it does in a release.
#include <filesystem>
#include <string>

#include "runtime/runtime.hpp"
#include "service/home.hpp"

namespace pharoctl {

// How a staged image finds the runtime's .sources: linked (the VM finds it by name next to the
// image and only reads it), or copied (a build's directory is kept and shipped in releases, so it
// holds its own).
enum class SourcesBy { link, copy };

// Copies `runtime`'s base image and its .changes into `dir` as <image>.image and <image>.changes,
// writable (0644) whatever modes the runtime's read-only files had, and its .sources under its
// own name. Throws std::filesystem::filesystem_error, or Failure (kExitFailed) naming ENOSPC on a full disk.
void stage_base_image(const Runtime& runtime, const std::string& image, const std::filesystem::path& dir,
                      SourcesBy sources);

// <service>/base/<runtime>/
std::filesystem::path base_copy_dir(const ServicePaths& paths, const std::string& runtime);

// The image of the service's private copy of `runtime`'s base image, named <image>.image with
// its <image>.changes beside it and the runtime's .sources linked under its own name (the VM
// finds it by name next to the image and only reads it). Made when absent. Throws Failure
// (kExitFailed) when the copy cannot be made (disk full), leaving nothing half-made.
std::filesystem::path ensure_base_copy(const ServicePaths& paths, const Runtime& runtime, const std::string& image);

}  // namespace pharoctl
