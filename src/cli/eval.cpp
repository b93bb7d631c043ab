#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_eval(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("eval");
}

}  // namespace pharoctl::cli
