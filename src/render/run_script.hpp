#pragma once
// The generated startup script run/run-<service>[.I].st that the VM evaluates at launch
// (neoconsole.md section 5): daily transcript files under logs/, the NeoConsole REPL and metrics
// server on this instance's loopback ports, then the user's app.st.
#include <string>

#include "service/home.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

std::string render_run_script(const ServiceConfig& config, const ServicePaths& paths, int instance);

// Writes every instance's run script (atomically, only when the content changed) and removes
// run scripts of instances that no longer exist. Returns true when anything changed.
bool write_run_scripts(const ServiceConfig& config, const ServicePaths& paths);

}  // namespace pharoctl
