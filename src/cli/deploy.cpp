#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_deploy(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("deploy");
}

Runner define_releases(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("releases");
}

Runner define_rollback(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("rollback");
}

Runner define_git_init(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("git-init");
}

}  // namespace pharoctl::cli
