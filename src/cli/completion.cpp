#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/help_render.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

Runner define_completion(CLI::App& cmd, const Globals&) {
  auto shell = std::make_shared<std::string>();
  cmd.add_option("shell", *shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  const CLI::App* root = cmd.get_parent();
  return [shell, root]() {
    fmt::print("{}", *shell == "bash" ? render_bash_completion(*root) : render_zsh_completion(*root));
    return 0;
  };
}

Runner define_man(CLI::App& cmd, const Globals&) {
  cmd.group("");  // hidden: the build runs it to make pharoctl.1
  const CLI::App* root = cmd.get_parent();
  return [root]() {
    fmt::print("{}", render_man_page(*root));
    return 0;
  };
}

}  // namespace pharoctl::cli
