#include "util/user_home.hpp"

#include <pwd.h>

#include <cstdio>

namespace pharoctl {

namespace {

std::optional<std::string> home_in_file(uid_t uid, const char* path) {
  std::FILE* f = std::fopen(path, "re");
  if (!f) return std::nullopt;
  std::optional<std::string> home;
  passwd entry{};
  passwd* found = nullptr;
  char buf[4096];
  // The first entry of the uid, as the files module answers getpwuid; a line too long for the
  // buffer (ERANGE) is the only thing that could hide one: then NSS decides.
  while (fgetpwent_r(f, &entry, buf, sizeof buf, &found) == 0 && found) {
    if (entry.pw_uid == uid) {
      if (entry.pw_dir) home = entry.pw_dir;
      break;
    }
  }
  std::fclose(f);
  return home;
}

}  // namespace

std::optional<std::string> user_home(uid_t uid, const char* passwd_file) {
  if (auto home = home_in_file(uid, passwd_file)) return home;
  if (passwd* pw = ::getpwuid(uid); pw && pw->pw_dir) return std::string(pw->pw_dir);
  return std::nullopt;
}

}  // namespace pharoctl
