#include "cli/commands.hpp"

namespace pharoctl::cli {

Runner define_start(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("start");
}

Runner define_stop(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("stop");
}

Runner define_restart(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("restart");
}

Runner define_reload(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("reload");
}

Runner define_run(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("run");
}

Runner define_supervise(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("supervise");
}

Runner define_pid(CLI::App& cmd, const Globals&) {
  cmd.allow_extras();
  return not_implemented("pid");
}

}  // namespace pharoctl::cli
