#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_quickstart(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("quickstart");
}

}  // namespace pharoctl::cli
