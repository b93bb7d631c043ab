#pragma once
// The image's command-line handlers (pharo-vm.md section 3): save, st, eval, metacello install,
// config, clean, printVersion, and the help a headless image prints without arguments.
#include <string>
#include <vector>

namespace sim {

class Vm;

// Runs the handler named by args[0]; returns only when the VM must stay up (servers), else exits.
void run_image_arguments(Vm& vm, const std::vector<std::string>& args);

}  // namespace sim
