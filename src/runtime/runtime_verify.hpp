#pragma once
// Does an installed runtime still hold what `install` recorded in runtime.toml? Every file's
// size and SHA-256, and whether it is still read-only. doctor reports what this finds.
#include <string>
#include <vector>

#include "runtime/runtime.hpp"

namespace pharoctl {

struct RuntimeDrift {
  std::string path;     // relative to the runtime directory
  std::string problem;  // "missing", "size 2470824 recorded, 2581352 now", "content differs", "writable"
  bool content = true;  // false: only the mode (writable) is off
};

// What differs from the record, in the record's order; empty when the runtime is intact. A
// runtime.toml of an older pharoctl without [[files]] is checked on the image alone.
std::vector<RuntimeDrift> verify_runtime(const Runtime& runtime);

}  // namespace pharoctl
