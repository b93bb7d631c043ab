#pragma once
// `pharoctl build`: the service image built once from the runtime's base image and [source],
// kept under builds/<key>/ where the key hashes every input, so that the same inputs are a
// cache hit at once. `deploy NAME` calls build_service too.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "service/service_config.hpp"

namespace pharoctl {

class Home;

struct BuildOptions {
  bool no_cache = false;
  bool progress = false;                     // a progress line on stderr (a terminal)
  std::chrono::milliseconds timeout{30 * 60 * 1000};
  size_t keep = 5;                           // builds kept besides those a release uses
  std::function<void(const std::string&)> note = [](const std::string&) {};
};

struct BuildResult {
  std::string key;
  std::filesystem::path dir;  // builds/<key>/
  bool cached = false;
  bool not_needed = false;    // strategy load-on-start: nothing to build
  std::string source_commit;  // the commit a remote repository's ref resolved to ("" otherwise)
  std::chrono::milliseconds duration{0};
};

// Throws Failure: kExitUsage for bad configuration (runtime missing, local repository missing),
// kExitFailed when the VM fails (the message carries the tail of its output and of
// PharoDebug.log). builds/ is untouched unless the build succeeds.
BuildResult build_service(const Home& home, const ServiceConfig& config, const BuildOptions& options);

// Inputs and key, without building (for `build --dry-run`-like uses and tests).
struct BuildInputs {
  std::string runtime;
  std::string base_image_sha256;
  std::string script;
  std::string repository, baseline;   // repository: pinned to source_commit for remote ones
  std::string configured_repository;  // as service.toml (or its .smalltalk.ston) names it
  std::vector<std::string> groups;
  std::string local_repository;       // resolved path, "" for remote repositories
  std::string local_repository_hash;  // hash of its files (committed or not)
  std::string source_commit;          // the commit a git-hosted remote repository's ref names
  std::string key;
};
// `config` with its .smalltalk.ston already read into it (with_smalltalk_ston).
BuildInputs build_inputs(const Home& home, const ServiceConfig& config);

// The local path of gitlocal://, tonel:// and filetree:// repositories ("" for remote ones),
// relative paths taken from `base`.
std::filesystem::path local_repository_path(const std::string& repository, const std::filesystem::path& base);

struct BuildInfo {
  std::string key;
  std::filesystem::path dir;
  std::string created_at;
  long long duration_ms = 0;
  unsigned long long image_size = 0;
  bool released = false;  // a release names it: never removed
};
// Newest first.
std::vector<BuildInfo> list_builds(const Home& home, const std::string& service);

// Removes the oldest builds beyond `keep`, never one a release uses. Returns the keys removed.
std::vector<std::string> prune_builds(const Home& home, const std::string& service, size_t keep);

}  // namespace pharoctl
