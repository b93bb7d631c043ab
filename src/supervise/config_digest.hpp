#pragma once
// Which service.toml a supervisor runs with: the SHA-256 of the file's bytes when it last
// applied it. `status` and doctor compare it with the file on disk to say that an edit is not
// applied yet (`pharoctl restart NAME` applies it).
#include <filesystem>
#include <string>

namespace pharoctl {

// "" when the file cannot be read.
std::string service_config_digest(const std::filesystem::path& service_toml);

}  // namespace pharoctl
