#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_logs(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("logs");
}

}  // namespace pharoctl::cli
