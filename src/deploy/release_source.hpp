#pragma once
// Where a release's files come from: a cached build (builds/<key>/) or an image built elsewhere
// and uploaded (`deploy --image FILE`, with its .changes and .sources beside it).
#include <filesystem>
#include <string>

#include "service/release_store.hpp"
#include "service/home.hpp"

namespace pharoctl {

// builds/<key>/ as the build step leaves it: <image>.image, <image>.changes, one *.sources,
// manifest.json. Throws Failure(kExitUsage) when the build does not exist or lacks a file.
ReleaseContent content_from_build(const ServicePaths& paths, const std::string& image, const std::string& key);

// FILE.image with FILE.changes and a *.sources file in the same directory. The image header is
// checked; the build key is a fingerprint of the image's bytes. The release stores the image
// under the service's image name. Throws Failure(kExitUsage) on a missing or bad file.
ReleaseContent content_from_image_file(const std::filesystem::path& file, const std::string& image);

// A 64-bit FNV-1a fingerprint of the file's bytes, as 16 hex digits: names an uploaded image
// (not a security hash; it only has to tell images apart).
std::string file_fingerprint(const std::filesystem::path& file);

// The commit of a local git work tree ("" when it is not one or git is missing).
std::string git_head_commit(const std::filesystem::path& dir);

}  // namespace pharoctl
