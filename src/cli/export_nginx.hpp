#pragma once
// `pharoctl export nginx NAME [-o DIR] [--listen L]... [--server-name N]... [--sticky]
// [--tls SNIPPET]`, called from export.cpp's dispatch.
#include <string>
#include <vector>

#include "cli/command.hpp"

namespace pharoctl::cli {

struct NginxFlags {
  std::vector<std::string> listen;
  std::vector<std::string> server_names;
  bool sticky = false;
  std::string tls_snippet;

  // The first nginx-only flag given ("--listen", ...), or "" (for the other kinds' refusal).
  std::string first_given() const;
};

void define_nginx_flags(CLI::App& cmd, NginxFlags& flags);

int run_export_nginx(const std::string& name, const std::string& out_dir, const NginxFlags& flags, const Globals& g);

}  // namespace pharoctl::cli
