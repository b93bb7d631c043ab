#pragma once
// The home directory of a user, from the user database: the entry of `passwd_file` (the files
// database, which Debian's nsswitch.conf asks first) when it has one, else getpwuid's (LDAP,
// sssd, systemd's dynamic users: whatever nsswitch.conf names). The file is read with
// fgetpwent_r, the files module's own parser. Why not getpwuid alone: its first call sets NSS up
// in the calling process for the rest of its life (two connects to nscd's socket, nsswitch.conf
// parsed, 8 kB of libc's data and a 1 kB buffer written), which every supervisor would keep for
// the one field it needs at each spawn of a VM (docs/supervisor.md, "Where its memory goes").
#include <sys/types.h>

#include <optional>
#include <string>

namespace pharoctl {

std::optional<std::string> user_home(uid_t uid, const char* passwd_file = "/etc/passwd");

}  // namespace pharoctl
