#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_enable(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("enable");
}

Runner define_disable(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("disable");
}

}  // namespace pharoctl::cli
