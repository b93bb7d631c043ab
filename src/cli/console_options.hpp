#pragma once
// Options shared by the commands that talk to a console (repl, eval): where it is, locally or
// over ssh, and how long to wait for it.
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "neoconsole/console_client.hpp"

namespace pharoctl::cli {

struct ConsoleOptions {
  std::string target;  // NAME[@I]
  std::string ssh;     // USER@HOST
  int port = 0;        // overrides the port from service.toml / the remote status
  std::string remote_pharoctl = "pharoctl";
  std::string remote_home;
  std::string connect_timeout = "5s";
};

void add_console_options(CLI::App& cmd, ConsoleOptions& options);

struct ConsoleEndpoint {
  std::string display;     // "shop", "shop@1", "shop on deploy@web1"
  std::string history_key; // file name of the REPL history
  std::unique_ptr<neoconsole::Dialer> dialer;
  std::chrono::milliseconds connect_timeout{5000};
};
ConsoleEndpoint resolve_console(const Globals& globals, const ConsoleOptions& options);

std::chrono::milliseconds parse_timeout_option(const std::string& flag, const std::string& text);

}  // namespace pharoctl::cli
