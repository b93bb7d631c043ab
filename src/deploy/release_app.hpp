#pragma once
// The app files of a release: [app].start (app.st) and every [app].files entry, copied from the
// service directory into releases/<id>/app/ when the release is made. A release's VM reads its
// own copies (PHAROCTL_APP_START, PHAROCTL_APP_DIR), so an edit of app.st changes nothing until
// the next deploy and a rollback runs the app.st the release was made with.
#include <optional>
#include <string>
#include <vector>

#include "service/release_store.hpp"
#include "service/home.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

// Adds the app files to `content` (copied, never linked: the user edits the originals in place)
// and sets content.app_hash. Throws Failure(kExitUsage) naming the field when a file is missing.
void add_app_files(ReleaseContent& content, const ServiceConfig& config, const ServicePaths& paths);

// SHA-256 over the names and bytes of the app files as they are in `dir`.
std::string app_files_hash(const ServiceConfig& config, const std::filesystem::path& dir);

// The app files of the service directory that differ from (or are missing in) the copies of
// release `id`; empty when they match or the release carries no app files (made before
// releases carried them).
std::vector<std::string> app_files_differing(const ServiceConfig& config, const ServicePaths& paths, const std::string& id);
// The same for the app files `files` (app_files(config) of a configuration read before).
std::vector<std::string> app_files_differing(const std::vector<std::string>& files, const ServicePaths& paths,
                                             const std::string& id);

}  // namespace pharoctl
