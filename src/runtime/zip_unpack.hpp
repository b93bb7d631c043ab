#pragma once
// Verified, safe unpacking of a downloaded zip with libarchive (loaded on first use): every
// member is read to its end (so a corrupt or truncated zip fails here, naming the member, not
// later in the VM), names that are absolute or climb out with `..` are refused, as are symlinks
// pointing out of the tree and member types other than file, directory and symlink. Exec bits
// and symlinks are kept.
#include <filesystem>
#include <string>
#include <vector>

namespace pharoctl {

// Unpacks `zip` into `dest` (created; must be empty or absent). Returns the member paths
// unpacked, as relative paths. Throws Failure(kExitFailed) "ZIP: what is wrong".
std::vector<std::string> unpack_zip(const std::filesystem::path& zip, const std::filesystem::path& dest);

// True when `target`, a symlink stored at `link` (both relative to a tree's root), resolves
// inside the tree when read lexically.
bool link_stays_inside(const std::filesystem::path& link, const std::filesystem::path& target);

// A member name that is safe to create below a root: relative, no `..`, no empty name. Returns
// the normalised relative path, or "" when unsafe.
std::string safe_member_path(const std::string& name);

}  // namespace pharoctl
