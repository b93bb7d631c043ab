#include "supervise/supervise_entry.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "process/self_exe.hpp"
#include "service/home.hpp"
#include "supervise/clock.hpp"
#include "supervise/notifier.hpp"
#include "supervise/supervisor.hpp"
#include "util/failure.hpp"

namespace pharoctl {

int supervise_service(const Home& home, const std::string& name, int starter_fd) {
  if (std::string why = check_service_name(name); !why.empty()) throw usage_error(fmt::format("{}: {}", name, why));
  std::chrono::milliseconds offset{0};
  // Test hook (docs/supervisor.md): start the supervisor's wall clock at a given local time.
  if (const char* at = std::getenv("PHAROCTL_TEST_WALL_CLOCK"); at && *at) {
    auto o = wall_offset_for(at, std::chrono::system_clock::now());
    if (!o) throw usage_error(fmt::format("PHAROCTL_TEST_WALL_CLOCK: \"{}\" is not YYYY-MM-DDTHH:MM:SS[.mmm]", at));
    offset = *o;
  }
  SystemClock clock(offset);
  SystemdNotifier notifier;
  return run_supervisor({home, name, clock, notifier, starter_fd});
}

std::filesystem::path slim_supervisor_beside(const std::filesystem::path& pharoctl) {
  return helper_program(pharoctl, "pharoctl-supervise");
}

}  // namespace pharoctl
