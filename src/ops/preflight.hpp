#pragma once
// What must hold before `start`, `restart`, `deploy` or `run` touches a service: its runtime is
// installed, its ports clash with no other service, [app].start (and every [app].files entry)
// is a file, and `current` resolves to a whole release. doctor reports the same findings in the
// same words; the commands refuse with exit 2 on the first error, before anything runs.
#include <vector>

#include "ops/finding.hpp"
#include "service/home.hpp"
#include "service/port_allocation.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

enum class PreflightFor {
  Run,     // start, restart, run, doctor: the files the VM reads now must be there
  Deploy,  // deploy: the service directory's app files go into the new release
};

// Every finding (Ok ones too, for doctor). `owners`: the ports of the home's services, built
// once by a caller that checks many (port_allocation.hpp); without it, built here.
std::vector<Finding> preflight_findings(const Home& home, const ServiceConfig& config, PreflightFor what,
                                        const PortOwners& owners);
std::vector<Finding> preflight_findings(const Home& home, const ServiceConfig& config, PreflightFor what);

// Loads each service and checks it; throws Failure(kExitUsage) with the first error, as
// "NAME: CHECK: message", before the caller touches any of them. Returns the configs in order.
// `index`, when given: the home's port index as the check left it, for a caller about to act to
// save (refused input writes nothing).
std::vector<ServiceConfig> preflight_services(const Home& home, const std::vector<std::string>& names, PreflightFor what,
                                              PortIndex* index = nullptr);

}  // namespace pharoctl
