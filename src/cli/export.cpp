#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_export(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("export");
}

}  // namespace pharoctl::cli
