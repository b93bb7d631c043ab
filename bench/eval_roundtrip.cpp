// bench/eval_roundtrip: how long an evaluation takes over loopback against a running console
// (pharo-sim or a real image), and whether repeated sessions leave descriptors behind.
//
//   eval_roundtrip PORT [N]          medians of N evals (default 1000): on one session, and each
//                                    on a fresh session (connect + greeting + eval + close)
//   eval_roundtrip PORT N --leak-check
//                                    N fresh sessions; exit 1 if /proc/self/fd grew
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "neoconsole/console_client.hpp"
#include "neoconsole/console_input.hpp"
#include "util/failure.hpp"

using namespace pharoctl;
using namespace pharoctl::neoconsole;

namespace {

size_t open_fds() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::string eval_once(ConsoleClient& client, int i) {
  std::string wire = wire_form(InputKind::Eval, fmt::format("{} + 1", i));
  return client.request(wire, Clock::now() + std::chrono::seconds(10), false).text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: eval_roundtrip PORT [N] [--leak-check]\n");
    return 2;
  }
  int port = std::atoi(argv[1]);
  int n = argc > 2 ? std::atoi(argv[2]) : 1000;
  bool leak_check = argc > 3 && std::strcmp(argv[3], "--leak-check") == 0;
  try {
    if (leak_check) {
      {  // warm up whatever the library opens once
        ConsoleClient c(loopback_dialer(port), std::chrono::seconds(5));
        eval_once(c, 0);
      }
      size_t before = open_fds();
      for (int i = 0; i < n; ++i) {
        ConsoleClient c(loopback_dialer(port), std::chrono::seconds(5));
        if (eval_once(c, i) != fmt::format("{}\n", i + 1)) throw operation_failed("wrong answer");
      }
      size_t after = open_fds();
      fmt::print("fresh sessions: {}, open descriptors before: {}, after: {}\n", n, before, after);
      return after == before ? 0 : 1;
    }
    std::vector<double> same, fresh;
    ConsoleClient session(loopback_dialer(port), std::chrono::seconds(5));
    session.connect();
    for (int i = 0; i < n; ++i) {
      auto t0 = Clock::now();
      eval_once(session, i);
      same.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    for (int i = 0; i < n; ++i) {
      auto t0 = Clock::now();
      ConsoleClient c(loopback_dialer(port), std::chrono::seconds(5));
      eval_once(c, i);
      fresh.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    fmt::print("eval round trip over loopback, {} evals each (target: median under 5 ms)\n", n);
    fmt::print("  one session:          median {:.3f} ms  p90 {:.3f} ms\n", median(same), percentile(same, 0.9));
    fmt::print("  fresh session each:   median {:.3f} ms  p90 {:.3f} ms  (connect + greeting + eval + close)\n",
               median(fresh), percentile(fresh, 0.9));
    return 0;
  } catch (const Failure& f) {
    std::fprintf(stderr, "eval_roundtrip: %s\n", f.what());
    return 1;
  }
}
