#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_doctor(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("doctor");
}

}  // namespace pharoctl::cli
