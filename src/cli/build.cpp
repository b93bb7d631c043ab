#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_build(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("build");
}

Runner define_builds(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("builds");
}

}  // namespace pharoctl::cli
