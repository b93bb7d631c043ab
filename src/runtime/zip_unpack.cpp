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
#include "util/shared_library.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

// libarchive, opened on the first unpack (util/shared_library.hpp): the functions used here.
#define PHAROCTL_ARCHIVE_FUNCTIONS(F)                                                             \
  F(archive_read_new) F(archive_read_free) F(archive_read_support_format_zip)                     \
  F(archive_read_open_filename) F(archive_read_next_header) F(archive_read_data) F(archive_error_string) \
  F(archive_entry_pathname) F(archive_entry_perm) F(archive_entry_filetype) F(archive_entry_symlink)

struct ArchiveLibrary {
  PHAROCTL_ARCHIVE_FUNCTIONS(PHAROCTL_DECLARE_FUNCTION)
};

const ArchiveLibrary& archive_library() {
  return load_library<ArchiveLibrary>("libarchive.so.13", "libarchive13", [](const SharedLibrary& lib, ArchiveLibrary& t) {
    PHAROCTL_ARCHIVE_FUNCTIONS(PHAROCTL_BIND_FUNCTION)
  });
}

struct ArchiveCloser {
  void operator()(archive* a) const { archive_library().archive_read_free(a); }
};

std::string archive_message(archive* a) {
  const char* m = archive_library().archive_error_string(a);
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

// The member being unpacked: where it goes and how it is named in messages.
struct Member {
  const fs::path& zip;
  archive* a;
  archive_entry* entry;
  std::string rel;   // safe relative path
  std::string name;  // for messages
  fs::path out;
  mode_t perm;
};

void unpack_directory(const Member& m) {
  std::error_code ec;
  fs::create_directory(m.out, ec);
  if (!fs::is_directory(fs::symlink_status(m.out))) {
    throw operation_failed(fmt::format("{}: member '{}' clashes with another member", m.zip.string(), m.name));
  }
  ::chmod(m.out.c_str(), (m.perm ? m.perm : 0755) | 0700);
}

void unpack_symlink(const Member& m) {
  const char* t = archive_library().archive_entry_symlink(m.entry);
  std::string target = t ? t : "";
  if (!link_stays_inside(m.rel, target)) {
    throw operation_failed(fmt::format("{}: refusing symlink '{}' -> '{}': it points out of the unpacked tree",
                                       m.zip.string(), m.name, shown(target)));
  }
  if (::symlink(target.c_str(), m.out.c_str()) != 0) {
    throw operation_failed(fmt::format("{}: cannot create symlink '{}': {}", m.zip.string(), m.name, std::strerror(errno)));
  }
}

void write_all(int fd, const char* p, size_t left, const fs::path& out) {
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

void unpack_file(const Member& m, std::vector<char>& buf) {
  // O_EXCL | O_NOFOLLOW: a member never writes through a symlink or over another member.
  int fd = ::open(m.out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw operation_failed(fmt::format("{}: cannot create '{}': {}", m.zip.string(), m.name, std::strerror(errno)));
  }
  for (;;) {
    la_ssize_t n = archive_library().archive_read_data(m.a, buf.data(), buf.size());
    if (n == 0) break;
    if (n < 0) {
      std::string why = archive_message(m.a);
      ::close(fd);
      throw operation_failed(fmt::format("{}: corrupt member '{}': {}", m.zip.string(), m.name, why));
    }
    write_all(fd, buf.data(), static_cast<size_t>(n), m.out);
  }
  ::fchmod(fd, m.perm ? m.perm : 0644);
  ::close(fd);
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
  const ArchiveLibrary& lib = archive_library();
  std::unique_ptr<archive, ArchiveCloser> a(lib.archive_read_new());
  lib.archive_read_support_format_zip(a.get());
  if (lib.archive_read_open_filename(a.get(), zip.c_str(), 1 << 16) != ARCHIVE_OK) {
    throw operation_failed(fmt::format("{}: not a readable zip: {}", zip.string(), archive_message(a.get())));
  }
  fs::create_directories(dest);
  std::vector<std::string> members;
  archive_entry* entry = nullptr;
  std::vector<char> buf(1 << 16);
  for (;;) {
    int r = lib.archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      throw operation_failed(fmt::format("{}: corrupt zip: {}", zip.string(), archive_message(a.get())));
    }
    const char* raw_name = lib.archive_entry_pathname(entry);
    std::string raw = raw_name ? raw_name : "";
    Member m{zip, a.get(), entry, safe_member_path(raw), shown(raw), {}, 0};
    if (m.rel.empty()) {
      if (raw == "./" || raw == ".") continue;
      throw operation_failed(fmt::format("{}: refusing member '{}': absolute or climbing out with '..'", zip.string(), m.name));
    }
    m.out = dest / m.rel;
    fs::create_directories(m.out.parent_path());
    m.perm = lib.archive_entry_perm(entry) & 0777;
    switch (lib.archive_entry_filetype(entry)) {
      case AE_IFDIR: unpack_directory(m); break;
      case AE_IFLNK: unpack_symlink(m); break;
      case AE_IFREG: unpack_file(m, buf); break;
      default:
        throw operation_failed(fmt::format("{}: refusing member '{}': not a file, directory or symlink", zip.string(), m.name));
    }
    members.push_back(m.rel);
  }
  return members;
}

}  // namespace pharoctl
