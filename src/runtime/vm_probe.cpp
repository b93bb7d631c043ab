#include "runtime/vm_probe.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include "process/run_command.hpp"
#include "util/lines.hpp"

namespace pharoctl {

namespace {

std::string first_line(const std::string& text) {
  for (std::string_view line : split_lines(text)) {
    std::string clean;
    for (char c : line) {
      auto u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u < 0x7f) clean += c;
      else if (c == '\t') clean += ' ';
    }
    while (!clean.empty() && clean.back() == ' ') clean.pop_back();
    if (!clean.empty()) return clean;
  }
  return "";
}

}  // namespace

std::optional<VmGeneration> generation_from_version_output(const std::string& output) {
  std::string line = first_line(output);
  if (line.rfind("5.0-", 0) == 0 || output.find("CoInterpreter") != std::string::npos ||
      output.find("StackToRegisterMappingCogit") != std::string::npos) {
    return VmGeneration::Old;
  }
  // "Pharo 10.3.1 built on ...", "Pharo VM version: 10.0.5 ...": a Pharo VM of version 9 or later.
  static const std::regex pharo_version(R"(Pharo[A-Za-z ]*?(?:version)?:?\s*v?(\d+)\.(\d+))", std::regex::icase);
  std::smatch m;
  if (std::regex_search(output, m, pharo_version)) {
    int major = std::stoi(m[1].str());
    if (major >= 9 && major < 100) return VmGeneration::New;
  }
  return std::nullopt;
}

VmProbe probe_vm(const std::filesystem::path& vm, const std::filesystem::path& cwd) {
  VmProbe probe;
  for (const char* option : {"--version", "-version"}) {
    RunRequest req;
    req.argv = {vm.string(), option};
    req.cwd = cwd;
    req.timeout = std::chrono::seconds(20);
    req.keep_tail = 16 * 1024;
    RunResult r = run_command(req);
    probe.output += r.output;
    if (!r.ok()) continue;
    probe.generation = generation_from_version_output(r.output);
    if (probe.generation) {
      probe.how = std::string("vm ") + option;
      probe.version_line = first_line(r.output);
      return probe;
    }
  }
  probe.version_line = first_line(probe.output);
  return probe;
}

std::optional<VmGeneration> generation_for_version(const std::string& version) {
  if (version.empty() || !std::all_of(version.begin(), version.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  int v = std::stoi(version);
  if (v < 10) return std::nullopt;
  return v <= 80 ? VmGeneration::Old : VmGeneration::New;
}

}  // namespace pharoctl
