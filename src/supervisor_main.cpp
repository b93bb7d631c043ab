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
  // Nothing opened yet: every descriptor above 2 was inherited (from the shell that ran
  // `start`, from systemd, from `pharoctl supervise`) and has no business in a supervisor.
  close_descriptors_from_3();
  // The argument shape of `pharoctl --home HOME supervise NAME`, so that ps shows the same words.
  if (argc != 5 || std::string(argv[1]) != "--home" || std::string(argv[3]) != "supervise") {
    fmt::print(stderr, "usage: pharoctl-supervise --home HOME supervise NAME (run `pharoctl supervise NAME` instead)\n");
    return kExitUsage;
  }
  // Under journald, why the supervisor could not run is an error-priority entry.
  const char* prefix = is_journal_stream(std::getenv("JOURNAL_STREAM"), 2) ? "<3>" : "";
  try {
    return supervise_service(Home(argv[2]), argv[4]);
  } catch (const Failure& f) {
    fmt::print(stderr, "{}pharoctl: {}\n", prefix, f.what());
    return f.exit_code();
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}pharoctl: {}\n", prefix, e.what());
    return kExitFailed;
  }
}
