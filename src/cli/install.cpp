#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_install(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("install");
}

Runner define_runtimes(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("runtimes");
}

}  // namespace pharoctl::cli
