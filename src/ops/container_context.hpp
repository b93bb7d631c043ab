#pragma once
// The build context of a release's image: a directory holding the Containerfile, rootfs/ (the
// files the image adds, at their paths in the image) and writable/ (an empty directory, the seed
// of each volume). `pharoctl export containerfile` writes it for CI systems that build images
// themselves; `pharoctl image` writes it to a scratch directory and hands it to the builder.
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/runtime.hpp"
#include "service/home.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

struct ContainerContextRequest {
  ServiceConfig config;
  ServicePaths paths;            // the service on this machine
  Runtime runtime;               // its runtime on this machine
  std::string release;           // a release id of the service
  std::filesystem::path helper;  // pharoctl-container on this machine
  std::string base;              // FROM
};

struct ContainerContext {
  std::filesystem::path dir;
  std::vector<std::filesystem::path> libraries;  // host libraries copied in for the VM (ldd)
  std::string containerfile;
};

// Writes the context into `dir` (created; must be empty or absent). Throws Failure when a file
// cannot be read or written, naming it.
ContainerContext write_container_context(const ContainerContextRequest& request, const std::filesystem::path& dir);

// The release a command means: `wanted`, else the one `current` points at. Throws Failure
// (usage) naming the releases there are, or saying how to make the first one.
std::string resolve_release(const ServicePaths& paths, const std::string& wanted);

// The shared libraries the ELF files under `dir` need that live outside it and are not the C
// library itself (every glibc base has that), found with ldd; sorted, each once.
std::vector<std::filesystem::path> needed_libraries(const std::filesystem::path& dir);

}  // namespace pharoctl
