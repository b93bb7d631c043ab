#pragma once
// The client side of NeoConsole's telnet REPL (specs/neoconsole.md section 1): greeting check,
// prompt, request/answer, and a silent reconnect when the server has closed an idle session.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "neoconsole/stream.hpp"

namespace pharoctl::neoconsole {

struct Answer {
  std::string text;     // what the server wrote before its next prompt
  bool closed = false;  // the server closed the session after answering (`quit`, `halt`)
};

class ConsoleClient {
 public:
  // `cancel_fd`, when >= 0, is watched while waiting: readable means "give up" (Ctrl-C).
  ConsoleClient(std::unique_ptr<Dialer> dialer, std::chrono::milliseconds connect_timeout, int cancel_fd = -1);

  // Opens the session and checks the greeting. Throws Failure: kExitNotRunning when nothing
  // listens, kExitFailed when the port answers with something that is not NeoConsole.
  void connect();
  bool connected() const { return stream_.is_open(); }
  // The image version from the greeting ("Pharo-12.0.0+SNAPSHOT...").
  const std::string& image_version() const { return image_version_; }
  const std::string& where() const { return where_; }

  // Sends `wire` (from wire_form) and waits for the answer until `deadline` (none: forever).
  // A session the server closed while idle is reopened first, silently. `resend_if_dropped`:
  // when the connection drops before any answer byte arrives, reconnect and send once more
  // (never for input that could have done harm twice).
  // Throws Failure on timeout, on a broken connection, and Cancelled when cancel_fd fired.
  Answer request(const std::string& wire, std::optional<Clock::time_point> deadline, bool resend_if_dropped);

  void close() { stream_.close(); }

  struct Cancelled {};

 private:
  enum class ReadResult { Prompt, Closed, Timeout, Cancel };
  ReadResult read_until_prompt(std::string& out, std::optional<Clock::time_point> deadline);
  bool peer_closed();
  void send_all(const std::string& bytes);
  std::string closed_message() const;

  std::unique_ptr<Dialer> dialer_;
  std::chrono::milliseconds connect_timeout_;
  int cancel_fd_;
  std::string where_;
  Stream stream_;
  std::string prompt_ = "pharo> ";
  std::string image_version_;
  std::string pending_;  // bytes read past the last prompt
};

}  // namespace pharoctl::neoconsole
