#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_metrics(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("metrics");
}

Runner define_health(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("health");
}

}  // namespace pharoctl::cli
