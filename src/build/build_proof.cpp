#include "build/build_proof.hpp"

#include <fmt/format.h>

#include "render/build_script.hpp"
#include "render/smalltalk.hpp"
#include "runtime/vm_last_words.hpp"
#include "util/clean_text.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

constexpr const char* kCheckTag = "pharoctl-check";

std::string words_of(const RunResult& r) {
  VmLastWords w;
  w.feed_text(r.output);
  return w.summary();
}

[[noreturn]] void fail(const ServiceConfig& c, const std::string& why) {
  throw operation_failed(fmt::format("build of {} failed: {}", c.name, why));
}

std::string no_handler(const std::string& answer) {
  return fmt::format("this image cannot evaluate Smalltalk: no `eval`/`st` handler; it answered: {}",
                     answer.empty() ? "nothing" : answer);
}

RunResult eval_in(const Runtime& rt, const fs::path& dir, const fs::path& image, const std::string& expr,
                  std::chrono::milliseconds timeout) {
  RunRequest req;
  req.argv = {rt.vm_path().string(), rt.headless, image.string(), "eval", expr};
  req.cwd = dir;
  req.timeout = timeout;
  return run_command(req);
}

}  // namespace

std::string build_check_expression(const std::string& baseline) {
  std::string b = baseline.empty() ? "true printString"
                                   : fmt::format("(Smalltalk hasClassNamed: {}) printString",
                                                 smalltalk_string("BaselineOf" + baseline));
  return fmt::format("'{} neoconsole=', (Smalltalk hasClassNamed: 'NeoConsoleTelnetServer') printString, "
                     "' baseline=', {}",
                     kCheckTag, b);
}

bool says_no_handler(const std::string& output) {
  std::string clean = clean_text(output);
  return clean.find("Command line handler failed") != std::string::npos ||
         clean.find("Command line handler not found") != std::string::npos ||
         clean.find("Invalid arguments: \"") != std::string::npos;
}

void prove_build(const ServiceConfig& config, const Runtime& rt, const fs::path& dir, const fs::path& image,
                 const RunResult& run, std::chrono::milliseconds timeout) {
  std::string said = words_of(run);
  if (!run.ok() && says_no_handler(run.output)) fail(config, no_handler(said));
  if (run.output.find(kBuildCompletedMarker) == std::string::npos) {
    // Exit 0 without the marker: build.st did not run (a real kernel image's first start
    // ignores its command line and only saves itself). Ask it to evaluate something to say why.
    RunResult probe = eval_in(rt, dir, image, "(6 * 7) printString", timeout);
    if (!probe.ok() || probe.output.find("42") == std::string::npos) fail(config, no_handler(words_of(probe)));
    fail(config, fmt::format("build.st did not run to its end (the VM exited 0 but never printed \"{}\"){}",
                             kBuildCompletedMarker, said.empty() ? "" : "; it said: " + said));
  }
  RunResult check = eval_in(rt, dir, image, build_check_expression(config.source.baseline), timeout);
  std::string answer = clean_text(check.output);
  if (!check.ok() || answer.find(kCheckTag) == std::string::npos) {
    if (says_no_handler(check.output) || !check.ok()) fail(config, no_handler(words_of(check)));
    fail(config, fmt::format("the saved image did not answer the check (`eval` said: {})", words_of(check)));
  }
  if (answer.find("neoconsole=true") == std::string::npos) {
    fail(config, "the saved image has no NeoConsole (NeoConsoleTelnetServer is missing): build.st's NeoConsole load "
                 "did not take; nothing was cached");
  }
  if (answer.find("baseline=true") == std::string::npos) {
    fail(config, fmt::format("the saved image has no BaselineOf{} ([source] in service.toml): the load did not "
                             "take; nothing was cached",
                             config.source.baseline));
  }
}

}  // namespace pharoctl
