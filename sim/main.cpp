// pharo-sim: a stand-in for pharo-vm/pharo running an image with NeoConsole (see sim/README.md).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "handlers.hpp"
#include "image_file.hpp"
#include "runtime_creation.hpp"
#include "vm.hpp"
#include "vm_identity.hpp"
#include "vm_options.hpp"

namespace {
void sleep_seconds(double s) {
  if (s > 0) std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long long>(s * 1000)));
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "--sim-create-runtime") return sim::create_runtime(args);

  // A headless VM ignores SIGINT; SIGTERM and SIGKILL keep their default action.
  signal(SIGINT, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);

  sim::VmIdentity identity = sim::VmIdentity::load();
  auto cmd = sim::parse_vm_options(args, identity);
  if (!cmd) return 1;
  if (cmd->print_version) {
    for (const auto& line : identity.version_lines()) std::printf("%s\n", line.c_str());
    return 0;
  }
  if (cmd->print_help) return 0;
  std::filesystem::path image = cmd->image.empty() ? std::filesystem::path("Pharo.image") : std::filesystem::path(cmd->image);
  sim::ImageState state;
  try {
    state = sim::read_image(image);
  } catch (const sim::ImageError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  double slow = state.data.value("simSlowStart", 0.0);
  if (const char* s = std::getenv("PHARO_SIM_SLOWSTART")) slow = std::atof(s);
  sleep_seconds(slow);  // the simulated slow start (a fault), not synchronisation

  sim::Vm vm(identity, std::filesystem::absolute(image), state);
  sim::run_image_arguments(vm, cmd->image_args);

  // The image keeps running (servers). Faults chosen at start apply now, after an optional delay.
  if (const char* fault = std::getenv("PHARO_SIM_FAULT")) {
    const char* after = std::getenv("PHARO_SIM_FAULT_AFTER");
    sleep_seconds(after ? std::atof(after) : 0);
    vm.faults().apply_named(fault);
  }
  while (true) pause();
}
