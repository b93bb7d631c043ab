#pragma once
// The files `export` writes and `enable` installs, by kind, with where each belongs on the
// system. One table so that export, enable, disable and doctor agree on names and places.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "render/install_context.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

enum class SystemKind { Systemd, Initd, Monit };

struct SystemFile {
  SystemKind kind;
  std::string file_name;               // pharo-<service>.service, pharo-<service>
  std::filesystem::path install_path;  // below `root` (normally /)
  mode_t mode = 0644;
  std::string content;
};

std::optional<SystemKind> parse_system_kind(const std::string& text);
const char* to_string(SystemKind kind);

// Where a kind's file for this service lives, below `root`.
std::filesystem::path system_file_path(SystemKind kind, const std::string& service,
                                       const std::filesystem::path& root = "/");

SystemFile render_system_file(SystemKind kind, const ServiceConfig& config, const InstallContext& ctx,
                              const std::filesystem::path& root = "/");

}  // namespace pharoctl
