#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_status(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("status");
}

}  // namespace pharoctl::cli
