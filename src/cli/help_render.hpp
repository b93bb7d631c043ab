#pragma once
// Documents generated from the one command tree that also answers --help: the man page
// pharoctl(1) and the bash and zsh completion scripts. Nothing here is written by hand twice.
#include <string>

#include <CLI/CLI.hpp>

namespace pharoctl {

std::string render_man_page(const CLI::App& root);
std::string render_bash_completion(const CLI::App& root);
std::string render_zsh_completion(const CLI::App& root);

}  // namespace pharoctl
