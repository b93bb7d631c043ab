#include "telnet_server.hpp"

#include "console.hpp"
#include "faults.hpp"
#include "net.hpp"

namespace sim {
namespace {
std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Each line of the result followed by LF, whatever line ends it had; nothing for an empty result.
std::string render_output(const std::string& text) {
  std::string out, line;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' || c == '\n') {
      out += line + "\n";
      line.clear();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      line += c;
    }
  }
  if (!line.empty()) out += line + "\n";
  return out;
}

void session(int fd, const TelnetOptions& options, Console& console, Faults& faults) {
  faults.block_if_hung();
  Connection conn(fd, options.idle);
  if (!write_all(fd, options.greeting + "\n")) return;
  while (true) {
    if (!write_all(fd, "pharo> ")) return;
    auto first = conn.read_line();
    faults.block_if_hung();
    std::string line = first ? trim(*first) : "";
    std::string input = line;
    if (!line.empty() && Console::is_multi_line(line)) {
      while (true) {
        auto more = conn.read_line();
        std::string next = more ? trim(*more) : "";
        input += "\r" + next;
        if (next.empty()) break;
      }
    }
    Console::Reply reply = console.execute(input);
    if (!write_all(fd, render_output(reply.text))) return;
    if (reply.close) return;
  }
}
}  // namespace

void start_telnet_server(const TelnetOptions& options, Console& console, Faults& faults) {
  int fd = listen_loopback(options.port);
  start_accept_loop(fd, [options, &console, &faults](int conn) { session(conn, options, console, faults); });
}

}  // namespace sim
