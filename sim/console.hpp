#pragma once
// NeoConsole's command set (neoconsole.md section 1), independent of sockets: plain prefix
// dispatch, multi-line commands (eval, add), history, describe of the last result, plus the
// sim.* fault commands. One Console per image, shared by every session, like NeoConsole's
// class-side history.
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace sim {

class Metrics;
class Faults;

struct EvalOutcome {
  bool ok = false;
  std::string print;                  // printString, or the failure text
  std::vector<std::string> describe;  // describe's lines for the result
};

class ConsoleBackend {
 public:
  virtual ~ConsoleBackend() = default;
  virtual EvalOutcome evaluate(const std::string& source) = 0;
  virtual Metrics& metrics() = 0;
  virtual Faults& faults() = 0;
  virtual void save_image() = 0;
  virtual void halt() = 0;
  virtual void set_slow_start(double seconds) = 0;  // recorded in the image, applies to later starts
  virtual std::string add_method(const std::string& class_name, const std::string& source) = 0;
  virtual std::string show(const std::string& what) = 0;
};

class Console {
 public:
  explicit Console(ConsoleBackend& backend) : backend_(backend) {}

  // Whether the command for this (trimmed, first) line reads further lines up to an empty one.
  static bool is_multi_line(const std::string& first_line);

  struct Reply {
    std::string text;  // split into lines and written with LF each
    bool close = false;
  };
  // input: the trimmed first line, or the multi-line input joined with CR (as NeoConsole does).
  Reply execute(const std::string& input);

 private:
  Reply eval(const std::string& source);
  std::string get(const std::string& arg);
  std::string history(const std::string& arg, bool* rerun, std::string* rerun_input);
  std::string sim_command(const std::string& line, bool* close);
  static std::string help(const std::string& arg);

  ConsoleBackend& backend_;
  std::mutex mu_;
  std::vector<std::string> history_;
  std::vector<std::string> last_describe_ = {"self: nil", "class: UndefinedObject"};
};

}  // namespace sim
