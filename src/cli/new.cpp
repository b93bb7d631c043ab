#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_new(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("new");
}

}  // namespace pharoctl::cli
