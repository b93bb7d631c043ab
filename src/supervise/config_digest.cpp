#include "supervise/config_digest.hpp"

// libmd's SHA-256, not util/sha256's libcrypto: this is the only hashing the supervisor does
// (one small file at start and reload), and libcrypto would be 3 MB of its resident memory.
// The digest is the same SHA-256 the CLI computes for `config_differs`.
#include <sha2.h>

namespace pharoctl {

std::string service_config_digest(const std::filesystem::path& service_toml) {
  char hex[SHA256_DIGEST_STRING_LENGTH];
  return ::SHA256File(service_toml.c_str(), hex) ? std::string(hex) : std::string();
}

}  // namespace pharoctl
