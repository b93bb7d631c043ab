#pragma once
// The Containerfile of a release's image (docs/containers.md): the build context's rootfs/ over
// the base, a non-root user, the writable volumes owned by it, the VM's environment and working
// directory, and pharoctl-container as the entrypoint.
#include <string>

#include "render/container_spec.hpp"

namespace pharoctl {

inline constexpr const char* kDefaultContainerBase = "docker.io/library/debian:bookworm-slim";

// `needs_ldconfig`: the context brings shared libraries under ContainerPaths::kLibDir.
std::string render_containerfile(const ContainerSpec& spec, const std::string& base, bool needs_ldconfig);

// A JSON array of strings (the exec form of ENTRYPOINT, VOLUME and RUN).
std::string exec_form(const std::vector<std::string>& argv);

}  // namespace pharoctl
