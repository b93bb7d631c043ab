#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_repl(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("repl");
}

}  // namespace pharoctl::cli
