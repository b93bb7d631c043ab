#pragma once
// What `pharoctl --version` says: the version, the commit and build it came from, and what it
// can run, so that a bug report carries everything in one paste.
#include <string>

namespace pharoctl::cli {

std::string version_text();

}  // namespace pharoctl::cli
