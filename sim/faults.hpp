#pragma once
// Fault injection, for tests of whatever supervises the sim (see sim/README.md): a VM crash, a
// hang (alive but its sockets stop answering), unhealthy metrics, slow start, immediate exit,
// a flood of stdout, growing memory. Set at start by environment variables or at run time by
// REPL commands that the real NeoConsole lacks (sim.*).
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sim {

enum class Health { Ok = 0, Http500 = 1, StatusNotOk = 2 };

class Faults {
 public:
  // Blocks the calling server thread for ever once hang() was called (the VM looks frozen).
  void block_if_hung();
  void hang();
  bool hung() const { return hung_; }

  void set_health(Health h) { health_ = static_cast<int>(h); }
  Health health() const { return static_cast<Health>(health_.load()); }

  // Allocates and touches bytes, so that the process's real size grows.
  void leak(size_t bytes);

  [[noreturn]] static void crash();        // prints a VM-like crash report, then abort()
  static void flood(size_t bytes);         // writes bytes of output lines to stdout
  [[noreturn]] static void exit_now(int code);

  // Applies PHARO_SIM_FAULT (crash | hang | unhealthy | unhealthy-status | exit:N | flood:BYTES
  // | leak:BYTES), called once the startup is done, after PHARO_SIM_FAULT_AFTER seconds if set.
  void apply_named(const std::string& fault);

 private:
  std::atomic<bool> hung_{false};
  std::atomic<int> health_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<char[]>> leaked_;
};

}  // namespace sim
