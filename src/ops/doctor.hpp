#pragma once
// `pharoctl doctor`: checks the environment and each service, one finding per line with what to
// do. Nothing is changed unless `fix` is set, and then only generated files (run scripts) are
// rewritten; a pid file is never a reason to signal anything.
#include <string>
#include <vector>

#include "ops/finding.hpp"
#include "service/home.hpp"

namespace pharoctl {

std::vector<Finding> run_doctor(const Home& home, const std::vector<std::string>& services, bool fix);

}  // namespace pharoctl
