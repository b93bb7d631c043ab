#pragma once
// Copying a file with read(2)/write(2), so that a full disk reports itself. libstdc++'s
// std::filesystem::copy_file turns a short sendfile(2) (what a full tmpfs or quota gives) into
// "Input/output error"; this reports the errno the kernel gave: ENOSPC, EDQUOT, EROFS.
#include <filesystem>
#include <sys/types.h>

namespace pharoctl {

// Creates `to` (which must not exist) with `mode`, copies `from` into it, fsyncs when `sync`.
// Throws Failure(kExitFailed) "cannot copy FROM to TO: <strerror>" and removes the partial copy.
void copy_file_reporting(const std::filesystem::path& from, const std::filesystem::path& to, bool sync = false);

}  // namespace pharoctl
