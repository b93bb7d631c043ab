#pragma once
// `pharoctl supervise NAME`: one process per service that owns the service's VMs as children.
// A single-threaded poll loop over a signalfd, the control socket, the VMs' output pipes and
// non-blocking health probes; every wait is a deadline in that loop, so an idle supervisor
// sleeps until its next probe. Behaviour: DESIGN.md section 5, docs/supervisor.md.
#include <memory>
#include <string>

#include "service/home.hpp"
#include "supervise/clock.hpp"
#include "supervise/notifier.hpp"

namespace pharoctl {

struct SupervisorEnv {
  Home home;
  std::string name;
  const Clock& clock;
  Notifier& notifier;
  // The `start` that launched this supervisor, one end of a socket pair (-1: none, e.g. under
  // systemd). Nothing runs until it sends "wait": it checks the service while the supervisor
  // starts; EOF instead calls the start off. It then gets the answer to that wait.
  int starter_fd = -1;
};

// Runs until SIGTERM/SIGINT or a `stop` request; returns the exit code. Throws Failure when the
// service cannot be supervised at all (bad service.toml, missing runtime, another supervisor).
int run_supervisor(const SupervisorEnv& env);

}  // namespace pharoctl
