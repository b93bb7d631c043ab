#pragma once
// `pharoctl export nginx NAME [-o DIR]`, called from export.cpp's dispatch.
#include <string>

#include "cli/command.hpp"

namespace pharoctl::cli {

int run_export_nginx(const std::string& name, const std::string& out_dir, const Globals& g);

}  // namespace pharoctl::cli
