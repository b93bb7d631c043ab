#include "supervise/config_digest.hpp"

#include "util/sha256.hpp"

namespace pharoctl {

std::string service_config_digest(const std::filesystem::path& service_toml) {
  try {
    return sha256_file(service_toml);
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace pharoctl
