#pragma once
// Push to deploy: a bare git repository in the service directory (`<service>/repo.git`) whose
// pre-receive hook checks the pushed commit out into `<service>/source` (a git repository of its
// own borrowing this one's objects) and runs `pharoctl deploy NAME --source <service>/source`, its
// output going back to `git push` as "remote:" lines. The push is accepted only when the deploy
// succeeds (as Heroku does), so a failed deploy makes `git push` exit non-zero and leaves the
// branch where it was.
#include <filesystem>
#include <string>
#include <vector>

#include "service/home.hpp"

namespace pharoctl {

struct PushRepositoryOptions {
  std::filesystem::path pharoctl;      // absolute path of the pharoctl binary the hook runs
  std::filesystem::path home;          // the pharoctl home, passed as --home
  std::vector<std::string> branches{"main", "master"};  // pushes to these deploy
};

std::filesystem::path push_repository_dir(const ServicePaths& paths);  // <service>/repo.git
std::filesystem::path push_checkout_dir(const ServicePaths& paths);    // <service>/source

// The pre-receive hook (POSIX sh).
std::string render_pre_receive_hook(const ServicePaths& paths, const PushRepositoryOptions& options);

// Creates the bare repository (or keeps an existing one) and (re)writes its hook. Returns the
// repository's path. Throws Failure when git fails.
std::filesystem::path init_push_repository(const ServicePaths& paths, const PushRepositoryOptions& options);

// The Metacello repository for a local checkout: tonel:// or filetree:// by what the checkout
// holds, with the subdirectory the configured repository names (github://o/r:ref/SUBDIR).
std::string local_source_repository(const std::filesystem::path& checkout, const std::string& configured);

// The subdirectory a hosted repository string names: "src" for github://o/r:main/src.
std::string repository_subdir(const std::string& repository);

}  // namespace pharoctl
