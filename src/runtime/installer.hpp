#pragma once
// `pharoctl install`: puts a runtime into runtimes/<name>/ from a directory laid out as
// get.pharo.org leaves it, from the image and VM zips, from files.pharo.org (or a mirror), or
// from pharo-sim. Every way ends in the same steps: verify the image header, ask the VM which
// generation it is, record every file's checksum in runtime.toml, and move the finished
// directory into place with one rename, so that a failed or interrupted install leaves no
// runtime behind.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "runtime/runtime.hpp"

namespace pharoctl {

class Home;

struct InstallOptions {
  std::string version;  // "130"...; empty: found from the files (header, sources name)
  std::string name;     // empty: "pharo-<version>"
  std::string mirror;   // replaces https://files.pharo.org for downloads
  // The SHA-256 the runtime's image must have (install --sha256): checked once the files are
  // unpacked, before the runtime is moved into place; a mismatch installs nothing.
  std::string image_sha256;
  bool progress = false;  // draw a progress bar (stderr is a terminal)
  std::string source;     // overrides the origin recorded in runtime.toml (install sim)
  // Progress and notes for the operator (stderr); warnings go here too, prefixed "warning: ".
  std::function<void(const std::string&)> note = [](const std::string&) {};
};

struct InstallResult {
  Runtime runtime;
  bool already_installed = false;
};

// `install --from DIR`: DIR has the get.pharo.org layout, or holds the two zips under their
// files.pharo.org names.
InstallResult install_from_directory(const Home& home, const std::filesystem::path& dir, const InstallOptions& options);

// `install --from IMAGE.zip --from VM.zip` (either order).
InstallResult install_from_zips(const Home& home, const std::vector<std::filesystem::path>& zips,
                                const InstallOptions& options);

// `install VERSION`: downloads the two zips (resuming partial downloads kept in
// runtimes/.downloads/), verifies and installs them.
InstallResult install_download(const Home& home, const InstallOptions& options);

// `install sim`: `pharo-sim --sim-create-runtime TMP`, then exactly the --from path with the
// name "sim".
InstallResult install_sim(const Home& home, const std::filesystem::path& pharo_sim, const InstallOptions& options);

// Throws Failure(kExitFailed) when `options` pins an image checksum that `runtime` does not have.
void check_pinned_image(const Runtime& runtime, const InstallOptions& options);

// pharo-sim beside the running pharoctl (/proc/self/exe), else on PATH; empty when neither.
std::filesystem::path find_pharo_sim();

}  // namespace pharoctl
