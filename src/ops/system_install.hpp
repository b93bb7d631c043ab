#pragma once
// What `enable` and `disable` do to the system, as a plan: files to write or remove and commands
// to run, in order. --dry-run prints the plan; without root pharoctl names the sudo command;
// as root it carries the plan out.
#include <filesystem>
#include <string>
#include <vector>

#include "render/system_files.hpp"
#include "service/home.hpp"

namespace pharoctl {

struct PlanStep {
  enum class Kind { Write, Remove, Run } kind;
  std::filesystem::path path;     // Write, Remove
  std::string content;            // Write
  mode_t mode = 0644;             // Write
  std::vector<std::string> argv;  // Run
  bool may_fail = false;          // Run: a failure is reported but does not stop the plan
};

struct InstallChoice {
  bool systemd = false;
  bool initd = false;
  bool monit = false;
};

// Whether this machine runs systemd (/run/systemd/system exists).
bool system_has_systemd();

std::vector<PlanStep> plan_enable(const Home& home, const std::string& service, InstallChoice choice);
// Removes what is installed among the chosen kinds (all kinds when none is chosen).
std::vector<PlanStep> plan_disable(const std::string& service, InstallChoice choice);

// Human-readable form of the plan (--dry-run): each file with its content, each command.
std::string describe_plan(const std::vector<PlanStep>& plan);

// Carries the plan out; throws Failure(kExitFailed) on the first step that fails.
void execute_plan(const std::vector<PlanStep>& plan);

}  // namespace pharoctl
