#pragma once
// The generated startup script run/run-<service>[.I].st that the VM evaluates at launch
// (neoconsole.md section 5): daily transcript files under logs/, the NeoConsole REPL and metrics
// server on this instance's loopback ports, then the user's app.st.
#include <string>

#include "service/home.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

// Where the image's transcript goes: daily files under logs/ (the supervisor), or the VM's
// stdout (a container, whose stdout is what `kubectl logs` shows).
enum class TranscriptTarget { DailyFiles, Stdout };

std::string render_run_script(const ServiceConfig& config, const ServicePaths& paths, int instance,
                              TranscriptTarget transcript = TranscriptTarget::DailyFiles);

// Writes every instance's run script (atomically, only when the content changed) and removes
// run scripts of instances that no longer exist. Returns true when anything changed.
bool write_run_scripts(const ServiceConfig& config, const ServicePaths& paths);

}  // namespace pharoctl
