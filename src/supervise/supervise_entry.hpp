#pragma once
// The supervisor's entry point, shared by `pharoctl supervise` and the slim pharoctl-supervise
// executable that it execs into (same pid), which links only what supervision needs so that a
// long-running supervisor does not map the download, archive and line-editing libraries.
#include <filesystem>
#include <string>

namespace pharoctl {

class Home;

// Checks the name, applies the test clock hook (PHAROCTL_TEST_WALL_CLOCK), runs the supervisor.
// `starter_fd`: SupervisorEnv::starter_fd.
int supervise_service(const Home& home, const std::string& name, int starter_fd = -1);

// The slim executable beside `pharoctl` (pharoctl-supervise), or "" when it is not there.
std::filesystem::path slim_supervisor_beside(const std::filesystem::path& pharoctl);

}  // namespace pharoctl
