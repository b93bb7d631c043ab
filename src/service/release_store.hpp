#pragma once
// The releases of one service on disk (DESIGN.md section 3): releases/<id>/ each holding
// `<image>.image`, `<image>.changes`, the .sources file under its own name and release.json,
// and `current -> releases/<id>`.
//
// Crash safety: a release is built under releases/.staging-<id>-<pid>, every file and the
// directory fsync'd, then renamed into place, so a directory named like a release id is always
// complete. `current` only ever changes by rename(2) of a new symlink. A release is deleted by
// renaming it to releases/.trash-* first, so a deletion cut short leaves trash, never a
// half-deleted release. clean_leftovers() removes what an interrupted deploy left behind; call
// it (and every other mutating method) only while holding the DeployLock.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "service/home.hpp"

namespace pharoctl {

// One file going into a release: where it comes from and its name inside the release.
struct ReleaseFile {
  std::filesystem::path from;
  std::string name;
  // Hard-link when the file system allows it; false forces a copy. The .changes file is always
  // copied: a running VM appends to it, which must not alter the build it came from.
  bool may_link = true;
};

// What a new release is made of.
struct ReleaseContent {
  std::string image;          // image name, without .image
  std::string build_key;      // builds/<key>, or the fingerprint of an uploaded image
  std::string source_commit;  // "" when unknown
  std::string origin;         // "build" or "image"
  std::string origin_path;    // the uploaded image file, for origin "image"
  std::string repository;     // the [source] repository it was built from, when known
  std::vector<ReleaseFile> files;
  std::vector<std::string> app_files;  // app.st and [app].files, stored under app/ (release_app.hpp)
  std::string app_hash;                // their SHA-256, "" when the release carries none
};

struct ReleaseRecord {
  std::string id;
  nlohmann::json meta;  // release.json (empty object when unreadable)
};

class ReleaseStore {
 public:
  explicit ReleaseStore(ServicePaths paths) : paths_(std::move(paths)) {}

  const ServicePaths& paths() const { return paths_; }

  // Complete releases (a release id directory with its release.json), oldest first.
  std::vector<std::string> list() const;
  std::vector<ReleaseRecord> records() const;
  bool exists(const std::string& id) const;
  // The release `current` points at, if any (even when that directory is missing).
  std::optional<std::string> current() const;
  // The newest release older than `of` (default: current): what a rollback goes back to.
  std::optional<std::string> previous(const std::optional<std::string>& of = std::nullopt) const;

  // Builds a complete release from `content` and returns its id; `current` is untouched.
  std::string create(const ReleaseContent& content, std::chrono::system_clock::time_point now,
                     const std::string& user);

  // A complete release with the same build and the same app files as `content`, newest first:
  // deploying it again makes no new release.
  std::optional<std::string> find_same(const ReleaseContent& content) const;

  // Points `current` at releases/<id> atomically.
  void switch_to(const std::string& id);
  // Removes `current` (a service with no release left runs the runtime's base image).
  void clear_current();

  // Deletes the oldest releases beyond `keep`, never the current one, the one before it, nor
  // `also_keep` (the release that was live before the last switch). Returns the ids removed.
  std::vector<std::string> prune(int keep, const std::optional<std::string>& also_keep = std::nullopt);

  // Removes staging and trash directories and temp links left by an interrupted deploy.
  // Returns how many entries went.
  int clean_leftovers();

 private:
  ServicePaths paths_;
};

// The name of the user deploying: $SUDO_USER under sudo, else the effective user's name.
std::string deploying_user();

}  // namespace pharoctl
