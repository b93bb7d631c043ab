#include "runtime/zip_unpack.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string archive_message(archive* a) {
  const char* m = archive_error_string(a);
  return m ? m : "unreadable archive";
}

// A member name as it may appear in a message: bytes outside printable ASCII as \xNN (a
// corrupt zip's names are arbitrary bytes).
std::string shown(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) out += fmt::format("\\x{:02x}", u);
    else out += c;
  }
  return out;
}

}  // namespace

bool link_stays_inside(const fs::path& link, const fs::path& target) {
  if (target.empty() || target.is_absolute()) return false;
  int depth = 0;
  for (const fs::path& part : link.parent_path()) {
    if (part != "." && !part.empty()) ++depth;
  }
  for (const fs::path& part : target) {
    if (part == "..") {
      if (--depth < 0) return false;
    } else if (part != "." && !part.empty()) {
      ++depth;
    }
  }
  return true;
}

std::string safe_member_path(const std::string& name) {
  if (name.empty() || name[0] == '/' || name.find('\0') != std::string::npos || name.find('\\') != std::string::npos) {
    return "";
  }
  fs::path out;
  for (const fs::path& part : fs::path(name)) {
    std::string p = part.string();
    if (p == "..") return "";
    if (p == "." || p.empty()) continue;
    out /= part;
  }
  return out.string();
}

std::vector<std::string> unpack_zip(const fs::path& zip, const fs::path& dest) {
  std::unique_ptr<archive, ArchiveCloser> a(archive_read_new());
  archive_read_support_format_zip(a.get());
  if (archive_read_open_filename(a.get(), zip.c_str(), 1 << 16) != ARCHIVE_OK) {
    throw operation_failed(fmt::format("{}: not a readable zip: {}", zip.string(), archive_message(a.get())));
  }
  fs::create_directories(dest);
  std::vector<std::string> members;
  archive_entry* entry = nullptr;
  std::vector<char> buf(1 << 16);
  for (;;) {
    int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      throw operation_failed(fmt::format("{}: corrupt zip: {}", zip.string(), archive_message(a.get())));
    }
    const char* raw_name = archive_entry_pathname(entry);
    std::string raw = raw_name ? raw_name : "";
    std::string name = shown(raw);  // for messages only
    std::string rel = safe_member_path(raw);
    if (rel.empty()) {
      if (raw == "./" || raw == ".") continue;
      throw operation_failed(fmt::format("{}: refusing member '{}': absolute or climbing out with '..'", zip.string(), name));
    }
    fs::path out = dest / rel;
    fs::create_directories(out.parent_path());
    mode_t perm = archive_entry_perm(entry) & 0777;
    switch (archive_entry_filetype(entry)) {
      case AE_IFDIR: {
        std::error_code ec;
        fs::create_directory(out, ec);
        if (!fs::is_directory(fs::symlink_status(out))) {
          throw operation_failed(fmt::format("{}: member '{}' clashes with another member", zip.string(), name));
        }
        ::chmod(out.c_str(), (perm ? perm : 0755) | 0700);
        break;
      }
      case AE_IFLNK: {
        const char* t = archive_entry_symlink(entry);
        std::string target = t ? t : "";
        if (!link_stays_inside(rel, target)) {
          throw operation_failed(
              fmt::format("{}: refusing symlink '{}' -> '{}': it points out of the unpacked tree", zip.string(), name, shown(target)));
        }
        if (::symlink(target.c_str(), out.c_str()) != 0) {
          throw operation_failed(fmt::format("{}: cannot create symlink '{}': {}", zip.string(), name, std::strerror(errno)));
        }
        break;
      }
      case AE_IFREG: {
        // O_EXCL | O_NOFOLLOW: a member never writes through a symlink or over another member.
        int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
          throw operation_failed(fmt::format("{}: cannot create '{}': {}", zip.string(), name, std::strerror(errno)));
        }
        for (;;) {
          la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
          if (n == 0) break;
          if (n < 0) {
            std::string why = archive_message(a.get());
            ::close(fd);
            throw operation_failed(fmt::format("{}: corrupt member '{}': {}", zip.string(), name, why));
          }
          const char* p = buf.data();
          auto left = static_cast<size_t>(n);
          while (left > 0) {
            ssize_t w = ::write(fd, p, left);
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
              int err = errno;
              ::close(fd);
              throw operation_failed(fmt::format("cannot write {}: {}", out.string(), std::strerror(err)));
            }
            p += w;
            left -= static_cast<size_t>(w);
          }
        }
        ::fchmod(fd, perm ? perm : 0644);
        ::close(fd);
        break;
      }
      default:
        throw operation_failed(fmt::format("{}: refusing member '{}': not a file, directory or symlink", zip.string(), name));
    }
    members.push_back(rel);
  }
  return members;
}

}  // namespace pharoctl
