#include "service/release_store.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "service/release_id.hpp"
#include "util/atomic_file.hpp"
#include "util/copy_file.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

constexpr const char* kStagingPrefix = ".staging-";
constexpr const char* kTrashPrefix = ".trash-";

[[noreturn]] void fail_errno(const std::string& what, const fs::path& p, int err) {
  throw operation_failed(fmt::format("{} {}: {}", what, p.string(), std::strerror(err)));
}

void fsync_path(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) fail_errno("cannot open", p, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL) fail_errno("cannot fsync", p, err);
}

// Copies with the data flushed before returning; the caller renames the directory afterwards.
void copy_file_synced(const fs::path& from, const fs::path& to) {
  copy_file_reporting(from, to, true);
}

// Hard link when possible (same file system, allowed), else a copy. Returns true when linked.
bool link_or_copy(const fs::path& from, const fs::path& to, bool may_link) {
  if (may_link) {
    if (::link(from.c_str(), to.c_str()) == 0) {
      fsync_path(to, false);
      return true;
    }
    int err = errno;
    if (err != EXDEV && err != EPERM && err != EMLINK && err != EACCES && err != ENOTSUP) {
      throw operation_failed(fmt::format("cannot link {} to {}: {}", from.string(), to.string(), std::strerror(err)));
    }
  }
  copy_file_synced(from, to);
  return false;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

std::vector<std::string> ReleaseStore::list() const {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths_.releases(), ec)) {
    std::string name = entry.path().filename().string();
    if (!is_release_id(name) || !entry.is_directory()) continue;
    if (!fs::exists(entry.path() / "release.json")) continue;
    ids.push_back(name);
  }
  std::sort(ids.begin(), ids.end(), release_id_less);
  return ids;
}

std::vector<ReleaseRecord> ReleaseStore::records() const {
  std::vector<ReleaseRecord> out;
  for (const std::string& id : list()) {
    ReleaseRecord r{id, nlohmann::json::object()};
    try {
      r.meta = nlohmann::json::parse(read_file(paths_.releases() / id / "release.json"));
    } catch (const std::exception&) {
      // Shown as a release with unknown details rather than hidden.
    }
    out.push_back(std::move(r));
  }
  return out;
}

bool ReleaseStore::exists(const std::string& id) const {
  return is_release_id(id) && fs::exists(paths_.releases() / id / "release.json");
}

std::optional<std::string> ReleaseStore::current() const {
  std::error_code ec;
  fs::path target = fs::read_symlink(paths_.current(), ec);
  if (ec) return std::nullopt;
  std::string id = target.filename().string();
  if (id.empty()) id = target.parent_path().filename().string();
  return id;
}

std::optional<std::string> ReleaseStore::previous(const std::optional<std::string>& of) const {
  std::optional<std::string> ref = of ? of : current();
  std::vector<std::string> ids = list();
  std::optional<std::string> best;
  for (const std::string& id : ids) {
    if (ref && !release_id_less(id, *ref)) break;
    best = id;
  }
  if (!ref) return std::nullopt;
  return best;
}

std::string ReleaseStore::create(const ReleaseContent& content, std::chrono::system_clock::time_point now,
                                 const std::string& user) {
  fs::create_directories(paths_.releases());
  // The sequence number counts every release of this second, whatever its key, so that
  // (time, sequence) orders them; the DeployLock keeps two deploys from counting at once.
  std::string second = release_id_time(make_release_id(now, content.build_key));
  int attempt = 1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths_.releases(), ec)) {
    std::string name = entry.path().filename().string();
    if (is_release_id(name) && release_id_time(name) == second) attempt = std::max(attempt, release_id_sequence(name) + 1);
  }
  std::string id = make_release_id(now, content.build_key, attempt);
  while (fs::exists(paths_.releases() / id)) id = make_release_id(now, content.build_key, ++attempt);
  fs::path staging = paths_.releases() / fmt::format("{}{}-{}", kStagingPrefix, id, ::getpid());
  fs::remove_all(staging);
  fs::create_directory(staging);

  nlohmann::json files = nlohmann::json::object();
  for (const ReleaseFile& f : content.files) {
    if (fs::path(f.name).has_parent_path()) fs::create_directories(staging / fs::path(f.name).parent_path());
    bool linked = link_or_copy(f.from, staging / f.name, f.may_link);
    files[f.name] = linked ? "linked" : "copied";
  }
  nlohmann::json meta = {
      {"id", id},
      {"image", content.image},
      {"build_key", content.build_key},
      {"source_commit", content.source_commit},
      {"repository", content.repository},
      {"origin", content.origin},
      {"user", user},
      {"time", format_utc_iso(now)},
      {"files", files},
  };
  if (!content.origin_path.empty()) meta["origin_path"] = content.origin_path;
  if (!content.app_hash.empty()) {
    meta["app_files"] = content.app_files;
    meta["app_hash"] = content.app_hash;
  }
  write_file_atomic(staging / "release.json", meta.dump(2) + "\n");
  fsync_path(staging, true);
  if (::rename(staging.c_str(), (paths_.releases() / id).c_str()) != 0) {
    int err = errno;
    fs::remove_all(staging);
    fail_errno("cannot move the new release into", paths_.releases() / id, err);
  }
  fsync_path(paths_.releases(), true);
  return id;
}

std::optional<std::string> ReleaseStore::find_same(const ReleaseContent& content) const {
  std::vector<ReleaseRecord> recs = records();
  for (auto it = recs.rbegin(); it != recs.rend(); ++it) {
    const nlohmann::json& m = it->meta;
    if (m.value("build_key", "") == content.build_key && m.value("app_hash", "") == content.app_hash &&
        m.value("image", "") == content.image) {
      return it->id;
    }
  }
  return std::nullopt;
}

void ReleaseStore::switch_to(const std::string& id) {
  if (!exists(id)) throw operation_failed(fmt::format("release {} of {} does not exist", id, paths_.name()));
  replace_symlink_atomic(paths_.current(), fs::path("releases") / id);
}

void ReleaseStore::clear_current() {
  if (::unlink(paths_.current().c_str()) != 0 && errno != ENOENT) fail_errno("cannot remove", paths_.current(), errno);
  fsync_path(paths_.dir(), true);
}

std::vector<std::string> ReleaseStore::prune(int keep, const std::optional<std::string>& also_keep) {
  std::vector<std::string> ids = list();
  std::optional<std::string> cur = current();
  std::optional<std::string> prev = previous(cur);
  std::vector<std::string> removed;
  std::size_t keep_n = keep < 0 ? 0 : static_cast<std::size_t>(keep);
  if (ids.size() <= keep_n) return removed;
  std::size_t excess = ids.size() - keep_n;
  for (const std::string& id : ids) {
    if (removed.size() == excess) break;
    if ((cur && id == *cur) || (prev && id == *prev) || (also_keep && id == *also_keep)) continue;
    fs::path trash = paths_.releases() / fmt::format("{}{}-{}", kTrashPrefix, id, ::getpid());
    if (::rename((paths_.releases() / id).c_str(), trash.c_str()) != 0) {
      fail_errno("cannot remove release", paths_.releases() / id, errno);
    }
    std::error_code ec;
    fs::remove_all(trash, ec);
    removed.push_back(id);
  }
  return removed;
}

int ReleaseStore::clean_leftovers() {
  int n = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths_.releases(), ec)) {
    std::string name = entry.path().filename().string();
    if (starts_with(name, kStagingPrefix) || starts_with(name, kTrashPrefix)) {
      std::error_code rec;
      fs::remove_all(entry.path(), rec);
      ++n;
    }
  }
  // Temp links of replace_symlink_atomic: ".current.tmp-<pid>-<hex>".
  for (const auto& entry : fs::directory_iterator(paths_.dir(), ec)) {
    std::string name = entry.path().filename().string();
    if (starts_with(name, ".current.tmp-") && entry.is_symlink()) {
      std::error_code rec;
      fs::remove(entry.path(), rec);
      ++n;
    }
  }
  return n;
}

std::string deploying_user() {
  if (const char* sudo = std::getenv("SUDO_USER"); sudo && *sudo && ::geteuid() == 0) return sudo;
  if (struct passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
  return std::to_string(::geteuid());
}

}  // namespace pharoctl
