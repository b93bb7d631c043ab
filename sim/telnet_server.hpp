#pragma once
// NeoConsoleTelnetServer: the REPL over plain TCP on 127.0.0.1, one thread per session.
#include <chrono>
#include <string>

namespace sim {

class Console;
class Faults;

struct TelnetOptions {
  int port = 4999;
  std::string greeting;               // "NeoConsole <version>"
  std::chrono::milliseconds idle{60000};  // PHARO_SIM_REPL_IDLE_SECONDS overrides
};

// Throws SocketError when the port cannot be bound.
void start_telnet_server(const TelnetOptions& options, Console& console, Faults& faults);

}  // namespace sim
