// pharoctl repl NAME[@I] [--ssh USER@HOST]: an interactive console into the running image.
#include <cstdlib>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/console_options.hpp"
#include "neoconsole/interrupt_pipe.hpp"
#include "neoconsole/line_editor.hpp"
#include "neoconsole/repl.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

namespace {

// History lives in the user's state directory, not in the service's run/: the service directory
// belongs to the service account and is shared by its operators, while what one types into an
// image (tokens, passwords) is one person's own. Mode 0600, one file per service.
std::filesystem::path history_file(const std::string& key) {
  std::filesystem::path base;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) {
    base = state;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    base = std::filesystem::path(home) / ".local" / "state";
  } else {
    return {};
  }
  return base / "pharoctl" / "history" / key;
}

}  // namespace

Runner define_repl(CLI::App& cmd, const Globals& globals) {
  auto options = std::make_shared<ConsoleOptions>();
  cmd.add_option("target", options->target, "NAME or NAME@I")->required();
  add_console_options(cmd, *options);
  return [&globals, options]() -> int {
    ConsoleEndpoint ep = resolve_console(globals, *options);
    neoconsole::InterruptPipe interrupts;
    neoconsole::ConsoleClient client(std::move(ep.dialer), ep.connect_timeout, interrupts.fd());
    try {
      client.connect();
    } catch (const neoconsole::ConsoleClient::Cancelled&) {
      return kExitFailed;
    }
    if (!globals.quiet) fmt::print("Connected to {} ({}). Ctrl-D or quit to leave.\n", ep.display, client.image_version());
    std::fflush(stdout);
    neoconsole::LineEditor editor("pharoctl", history_file(ep.history_key), interrupts);
    return neoconsole::run_repl(client, editor, ep.display);
  };
}

}  // namespace pharoctl::cli
