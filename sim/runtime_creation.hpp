#pragma once
// pharo-sim --sim-create-runtime DIR [--generation old|new] [--pharo-version VER]: writes the
// layout get.pharo.org leaves (Pharo.image, Pharo.changes, the .sources file, pharo-vm/pharo,
// the pharo and pharo-ui wrappers). pharo-vm/pharo is a copy of this executable with
// pharo-sim.json beside it naming the generation and version it plays.
#include <string>
#include <vector>

namespace sim {

// Returns the exit code; prints errors to stderr.
int create_runtime(const std::vector<std::string>& args);

}  // namespace sim
