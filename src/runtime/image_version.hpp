#pragma once
// The Pharo version an image says it is. Images of Pharo 11 and later record it in their
// header; older ones are asked once, at install, with their `printVersion` handler, on a copy
// (a real Pharo 8 image saves itself on its first start, so it is never run in place, and that
// first start ignores the command line: the copy is asked again). The answer is cached in
// runtime.toml.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pharoctl {

struct ImageVersion {
  std::string version;  // "80"
  std::string text;     // "Pharo-8.0.0+build.1080.sha.9f5ce2e933bc... (64 Bit)"
  std::string commit;   // "9f5ce2e" (first 7 hex digits of the build's commit), "" when unknown
};

// Reads `[version] 'Pharo8.0.0' 'Pharo-8.0.0+build.1080.sha.9f5ce2e... (64 Bit)'` (Pharo 7/8), or a
// bare `Pharo-13.0.0+...` line; nullopt when the text names no Pharo version.
std::optional<ImageVersion> parse_print_version(const std::string& output);

// Runs `<vm> <headless> COPY printVersion` on a copy of `image` (and its changes) in `scratch`,
// twice at most. nullopt when the image does not answer (a kernel without that handler).
std::optional<ImageVersion> ask_image_version(const std::filesystem::path& vm, const std::string& headless,
                                              const std::filesystem::path& image, const std::filesystem::path& scratch);

// The sources file an image of `version` (and, when known, build `commit`) looks for among
// `candidates` (file names beside the image): Pharo<maj>.<min>-32bit-<hash>.sources or -64bit-
// (Pharo 7 and 8 ship the -32bit- name with their 64-bit images), PharoV60.sources for 6.
// "" when none fits.
std::string choose_sources(const std::vector<std::string>& candidates, const std::string& version,
                           const std::string& commit);

}  // namespace pharoctl
