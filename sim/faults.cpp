#include "faults.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace sim {

void Faults::block_if_hung() {
  if (!hung_) return;
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [] { return false; });  // never wakes: the image is frozen
}

void Faults::hang() { hung_ = true; }

void Faults::leak(size_t bytes) {
  auto block = std::make_unique<char[]>(bytes);
  for (size_t i = 0; i < bytes; i += 4096) block[i] = static_cast<char>(i);  // touch every page
  std::lock_guard<std::mutex> lock(mu_);
  leaked_.push_back(std::move(block));
}

void Faults::crash() {
  std::fflush(stdout);
  std::time_t now = std::time(nullptr);
  char when[64];
  std::strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", std::localtime(&now));
  std::fprintf(stderr, "\n\nSegmentation fault %s\n\n\npharo-sim: simulated VM crash (sim.crash)\n\nMost recent primitives\n", when);
  std::fflush(stderr);
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);  // a simulated crash leaves no core file behind
  std::abort();
}

void Faults::flood(size_t bytes) {
  std::string line(99, 'x');
  line += '\n';
  size_t written = 0;
  while (written < bytes) {
    size_t n = std::min(line.size(), bytes - written);
    std::fwrite(line.data() + line.size() - n, 1, n, stdout);
    written += n;
  }
  std::fflush(stdout);
}

void Faults::exit_now(int code) {
  std::fflush(stdout);
  std::fflush(stderr);
  _exit(code);
}

void Faults::apply_named(const std::string& fault) {
  auto arg = [&]() -> long long {
    size_t colon = fault.find_first_of(":=");
    return colon == std::string::npos ? 0 : std::atoll(fault.c_str() + colon + 1);
  };
  if (fault == "crash") crash();
  if (fault == "hang") hang();
  else if (fault == "unhealthy") set_health(Health::Http500);
  else if (fault == "unhealthy-status") set_health(Health::StatusNotOk);
  else if (fault.rfind("exit", 0) == 0) exit_now(static_cast<int>(arg()));
  else if (fault.rfind("flood", 0) == 0) flood(static_cast<size_t>(arg()));
  else if (fault.rfind("leak", 0) == 0) leak(static_cast<size_t>(arg()));
  else if (!fault.empty())
    std::fprintf(stderr, "pharo-sim: unknown PHARO_SIM_FAULT '%s' (crash, hang, unhealthy, unhealthy-status, exit:N, flood:BYTES, leak:BYTES)\n", fault.c_str());
}

}  // namespace sim
