#pragma once
// A project's .smalltalk.ston (smalltalkCI's SmalltalkCISpec, which most Pharo projects have for
// CI) read for what a build loads: the first SCIMetacelloLoadSpec of #loading that smalltalkCI
// would load on Pharo (no #platforms, or #pharo among them), its #baseline, #directory,
// #repository and #load. As in smalltalkCI, a spec without #repository loads the project's own
// #directory (default: the project root, the directory holding the .ston file), as tonel:// or
// filetree:// by the format its .properties names (filetree when it names none).
#include <filesystem>
#include <string>
#include <vector>

#include "service/service_config.hpp"

namespace pharoctl {

struct SmalltalkCiLoadSpec {
  std::string baseline;
  std::string directory;   // relative to the project, "" for its root
  std::string repository;  // "" unless the spec names one
  std::vector<std::string> load;
};

// Throws Failure(kExitUsage) naming `file` (and line and column for syntax errors).
SmalltalkCiLoadSpec pharo_load_spec(const std::string& text, const std::string& file);

// The [source] repository, baseline and groups for the project of `ston_file` (strategy and
// everything else left at their defaults). Throws Failure(kExitUsage).
SourceConfig source_from_smalltalk_ston(const std::filesystem::path& ston_file);

// `config` with [source].smalltalk_ston (if set; relative to `service_dir`) read into its
// repository, baseline and groups; unchanged otherwise.
ServiceConfig with_smalltalk_ston(const ServiceConfig& config, const std::filesystem::path& service_dir);

}  // namespace pharoctl
