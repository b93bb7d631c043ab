#pragma once
// A build proves it ran before anything is cached (docs/runtimes-and-builds.md, "A build proves
// itself"): the VM's output must hold build.st's completion marker, and the saved image, asked
// with its own `eval` handler, must answer that NeoConsole and the service's baseline are in
// it. An image without an `eval`/`st` handler (a kernel image) fails with one sentence.
#include <filesystem>
#include <string>

#include "runtime/runtime.hpp"
#include "service/service_config.hpp"
#include "process/run_command.hpp"

namespace pharoctl {

// The Smalltalk the saved image is asked (one line; answers a string naming what it found).
std::string build_check_expression(const std::string& baseline);

// True when the output of a VM says its image has no command line handler for what it was
// asked (Pharo's `Invalid arguments: ...` / `Command line handler failed` / `not found`).
bool says_no_handler(const std::string& output);

// Throws Failure(kExitFailed) with the reason when the build `run` (build.st with --save --quit
// on `image` in `dir`) did not prove itself; returns when it did.
void prove_build(const ServiceConfig& config, const Runtime& runtime, const std::filesystem::path& dir,
                 const std::filesystem::path& image, const RunResult& run, std::chrono::milliseconds timeout);

}  // namespace pharoctl
