#pragma once
// The one way a command reports failure: an exception carrying the exit code the CLI returns.
#include <stdexcept>
#include <string>

namespace pharoctl {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,      // the operation failed
  kExitUsage = 2,       // bad usage or bad configuration
  kExitNotRunning = 3,  // LSB status convention
};

class Failure : public std::runtime_error {
 public:
  Failure(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Bad usage or configuration (exit 2). The message is one line: file:line:col, field, what is
// wrong, what would be right.
inline Failure usage_error(const std::string& message) { return Failure(kExitUsage, message); }
inline Failure operation_failed(const std::string& message) { return Failure(kExitFailed, message); }

}  // namespace pharoctl
