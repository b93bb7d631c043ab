#pragma once
// The running simulated image: its state (from the image file), the interpreter, the Transcript,
// the NeoConsole servers, the application's ZnServers, metrics and faults. Implements what the
// interpreter and the REPL console ask of an image.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "console.hpp"
#include "faults.hpp"
#include "host.hpp"
#include "image_file.hpp"
#include "interpreter.hpp"
#include "metrics.hpp"
#include "transcript.hpp"
#include "vm_identity.hpp"

namespace sim {

class Vm : public Host, public ConsoleBackend {
 public:
  Vm(VmIdentity identity, std::filesystem::path image_path, ImageState state);

  const ImageState& state() const { return state_; }
  const std::filesystem::path& image_path() const { return image_path_; }
  Interpreter& interpreter() { return interpreter_; }
  std::mutex& image_lock() { return image_mu_; }

  // Unhandled error: PharoDebug.log (or the logFileName:) in the working directory, a report on
  // stderr, exit 1 (the real headless image dies of it).
  [[noreturn]] void die_of(const std::string& error_class, const std::string& message, const std::string& context);
  void save_as(const std::filesystem::path& image);  // writes image + .changes

  // Host
  void transcript_show(const std::string& text) override;
  void transcript_install(const std::string& file_pattern) override;
  std::string telnet_start(int port) override;
  std::string metrics_start(int port) override;
  std::string http_start(int port, const std::string& bind, bool log_to_transcript, AppResponder responder) override;
  void http_stop(int port) override;
  void metacello_load(const MetacelloLoad& load) override;
  bool has_class(const std::string& name) override;
  std::string image_version() override { return state_.version_string; }
  std::optional<std::string> environment(const std::string& name) override;
  void set_epicea(bool enabled) override;
  void snapshot(bool save, bool quit) override;
  void quit(int code) override;
  void file_in(const std::string& path) override;
  void set_debug_log_name(const std::string& name) override { debug_log_ = name; }
  void add_metric(const std::string& name, const std::string& description, std::function<std::string()> reader) override;
  void note(const std::string& text) override;
  void garbage_collect() override {}

  // ConsoleBackend
  EvalOutcome evaluate(const std::string& source) override;
  Metrics& metrics() override { return metrics_; }
  Faults& faults() override { return faults_; }
  void save_image() override;
  void halt() override;
  void set_slow_start(double seconds) override;
  std::string add_method(const std::string& class_name, const std::string& source) override;
  std::string show(const std::string& what) override;

 private:
  std::vector<std::string> process_names();
  std::vector<std::string> mc_versions();

  VmIdentity identity_;
  std::filesystem::path image_path_;
  ImageState state_;
  std::chrono::steady_clock::time_point started_;
  std::recursive_mutex state_mu_;  // image state (metacello loads, saves)
  std::mutex image_mu_;            // one evaluation at a time, like the image's UI process
  Faults faults_;
  Metrics metrics_;
  Transcript transcript_;
  Console console_;
  Interpreter interpreter_;
  std::string debug_log_ = "PharoDebug.log";
  std::mutex servers_mu_;
  std::set<int> telnet_ports_, metrics_ports_, http_ports_;
  std::set<int> http_logging_;
};

}  // namespace sim
