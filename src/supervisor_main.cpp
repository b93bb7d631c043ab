// pharoctl-supervise --home HOME supervise NAME: the supervisor alone, exec'd by `pharoctl supervise` in place
// (same pid, so systemd's main pid and notify socket stay valid). Not meant to be run by hand.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "process/descriptors.hpp"
#include "service/home.hpp"
#include "supervise/event_log.hpp"
#include "supervise/supervise_entry.hpp"
#include "util/failure.hpp"

int main(int argc, char** argv) {
  using namespace pharoctl;
  // The argument shape of `pharoctl --home HOME supervise NAME`, so that ps shows the same words;
  // `start` adds --starter-fd N (SupervisorEnv::starter_fd).
  bool shaped = (argc == 5 || argc == 7) && std::string(argv[1]) == "--home" && std::string(argv[3]) == "supervise";
  int starter = -1;
  if (shaped && argc == 7) {
    starter = std::string(argv[5]) == "--starter-fd" ? std::atoi(argv[6]) : -1;
    shaped = starter >= 3;
  }
  // Nothing opened yet: every descriptor above 2 but the starter's was inherited (from the shell
  // that ran `start`, from systemd, from `pharoctl supervise`) and has no business here.
  close_descriptors_from_except(3, starter);
  if (!shaped) {
    fmt::print(stderr, "usage: pharoctl-supervise --home HOME supervise NAME [--starter-fd N] (run `pharoctl supervise NAME` instead; see pharoctl-supervise(8))\n");
    return kExitUsage;
  }
  // Under journald, why the supervisor could not run is an error-priority entry.
  const char* prefix = is_journal_stream(std::getenv("JOURNAL_STREAM"), 2) ? "<3>" : "";
  try {
    return supervise_service(Home(argv[2]), argv[4], starter);
  } catch (const Failure& f) {
    fmt::print(stderr, "{}pharoctl: {}\n", prefix, f.what());
    return f.exit_code();
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}pharoctl: {}\n", prefix, e.what());
    return kExitFailed;
  }
}
