#pragma once
// What each service.toml value may contain. These values end up in shell scripts, unit files,
// monit checks and Smalltalk string literals, so each is held to a character set that is safe
// (or escaped) in all of them. Each check returns "" when fine, else what is wrong and what
// would be right.
#include <string>

#include "service/repository_rules.hpp"  // check_repository

namespace pharoctl {

std::string check_description(const std::string& v);   // printable text, no control characters
std::string check_user_name(const std::string& v);     // "" or a POSIX user name
std::string check_runtime_name(const std::string& v);  // [A-Za-z0-9][A-Za-z0-9._-]*
std::string check_image_name(const std::string& v);    // [A-Za-z0-9][A-Za-z0-9._-]*, no .image
std::string check_baseline(const std::string& v);      // "" or a Smalltalk class name sans BaselineOf
std::string check_group(const std::string& v);         // a Metacello group name
std::string check_relative_file(const std::string& v); // a path inside the service directory
std::string check_health_url(const std::string& v);    // http:// on loopback, placeholders allowed
std::string check_expect(const std::string& v);        // printable, no quotes or backslashes
std::string check_env_name(const std::string& v);      // [A-Za-z_][A-Za-z0-9_]*, not PHAROCTL_* nor systemd's
std::string check_env_value(const std::string& v);     // one line, at most 4096 bytes

// The text with control characters shown as \xNN, for messages.
std::string printable(const std::string& v);

}  // namespace pharoctl
