// quickstart: a demo HTTP service end to end, shown as the pharoctl commands it runs so that the
// user learns them on the way. It runs its own binary for each step (the same code paths the
// user gets) and is idempotent: a second run reports what exists and changes nothing.
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "net/http_client.hpp"
#include "process/launcher.hpp"
#include "process/self_exe.hpp"
#include "service/service_config.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {
namespace fs = std::filesystem;

namespace {

constexpr const char* kService = "hello";
constexpr const char* kSimRuntime = "sim";

// Runs `pharoctl --home HOME ARGS...` with the output passed through; returns its exit code.
int run_step(const Globals& g, const Home& home, const std::vector<std::string>& args) {
  std::string shown = "pharoctl";
  for (const auto& a : args) shown += a.find(' ') == std::string::npos ? " " + a : " '" + a + "'";
  if (!g.quiet) fmt::print("\n$ {}\n", shown);
  std::fflush(stdout);
  LaunchSpec spec;
  spec.argv = {self_exe().string(), "--home", home.root().string()};
  if (g.no_color) spec.argv.push_back("--no-color");
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.group = ProcessGroup::Ours;  // a Ctrl-C stops the step with quickstart
  spec.in = Stdio::inherit();
  ExitStatus status = wait_exit(launch(spec).pid);
  return status.signal == 0 && !status.lost ? status.code : 1;
}

void step(const Globals& g, const Home& home, const std::vector<std::string>& args, const std::string& what) {
  int rc = run_step(g, home, args);
  if (rc != 0) throw operation_failed(fmt::format("quickstart stopped: {} failed (exit {}); the output above says why", what, rc));
}

// Whether files.pharo.org answers on its https port within a few seconds.
bool pharo_org_reachable() {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo("files.pharo.org", "443", &hints, &res) != 0) return false;
  bool ok = false;
  for (addrinfo* ai = res; ai && !ok; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    timeval tv{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    ok = ::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
    ::close(fd);
  }
  ::freeaddrinfo(res);
  return ok;
}

// An installed runtime other than the simulator, if any: a real Pharo is preferred.
std::string installed_real_runtime(const Home& home) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(home.runtimes(), ec)) {
    std::string n = e.path().filename().string();
    if (n != kSimRuntime && fs::exists(e.path() / "runtime.toml")) return n;
  }
  return "";
}

std::string runtime_label(const std::string& runtime) {
  return runtime == kSimRuntime ? "sim (pharo-sim, the stand-in for a Pharo VM)" : runtime;
}

}  // namespace

Runner define_quickstart(CLI::App&, const Globals& g) {
  return [&g]() -> int {
    Home home = g.resolve_home();
    auto say = [&g](const std::string& line) {
      if (!g.quiet) fmt::print("{}\n", line);
    };
    say(fmt::format("pharoctl quickstart: a demo service '{}' in {}", kService, home.root().string()));

    // 1. A runtime: an installed real one, else the stable Pharo, else pharo-sim when offline.
    std::string runtime;
    ServicePaths paths = home.service(kService);
    bool service_exists = fs::exists(paths.service_toml());
    if (service_exists) {
      runtime = load_service_config(paths.service_toml()).runtime;
      say(fmt::format("service '{}' exists already (runtime {}); nothing to scaffold", kService, runtime_label(runtime)));
    } else if (std::string real = installed_real_runtime(home); !real.empty()) {
      runtime = real;
      say(fmt::format("runtime: {} (installed)", runtime));
    } else if (fs::exists(home.runtime_dir(kSimRuntime) / "runtime.toml")) {
      runtime = kSimRuntime;
      say(fmt::format("runtime: {} (installed)", runtime_label(runtime)));
    } else if (pharo_org_reachable()) {
      step(g, home, {"install"}, "installing the stable Pharo");
      runtime = installed_real_runtime(home);
    } else {
      say("files.pharo.org cannot be reached from this machine, so quickstart continues on pharo-sim, "
          "the stand-in for a Pharo VM that ships with pharoctl.");
      step(g, home, {"install", kSimRuntime}, "installing the pharo-sim runtime");
      runtime = kSimRuntime;
    }
    if (runtime.empty()) throw operation_failed("quickstart stopped: no runtime could be installed");

    // 2. The service, its image, a release, a running supervisor.
    if (!service_exists) {
      step(g, home, {"new", kService, "--yes", "--runtime", runtime, "--description", "Hello demo service"},
           "scaffolding the service");
    }
    if (fs::exists(paths.current())) {
      say(fmt::format("release {} is deployed already; nothing to build or deploy",
                      fs::read_symlink(paths.current()).filename().string()));
    } else {
      step(g, home, {"deploy", kService}, "building and deploying");
    }
    step(g, home, {"start", kService}, "starting the service");

    // 3. What it answers, and where to go next.
    ServiceConfig config = load_service_config(paths.service_toml());
    std::string url = fmt::format("http://127.0.0.1:{}/", config.http_port(0));
    HttpResponse r = http_get(url, std::chrono::seconds(5));
    std::string body = r.body;
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    if (body.size() > 200) body = body.substr(0, 200) + "...";
    say("");
    say(fmt::format("'{}' is running on runtime {}.", kService, runtime_label(runtime)));
    say(fmt::format("{} answered {}: {}", url, r.status, body));
    say("");
    say("Next, try:");
    const std::pair<std::string, const char*> hints[] = {
        {"pharoctl status", "state, pid, uptime, restarts, health, memory"},
        {fmt::format("pharoctl repl {}", kService), "a REPL into the running image"},
        {fmt::format("pharoctl eval {} '3 + 4'", kService), "one expression, for scripts"},
        {fmt::format("pharoctl logs {} -f", kService), "the logs, following"},
        {fmt::format("sudo pharoctl enable {} --systemd", kService), "start at boot under systemd"},
        {fmt::format("pharoctl stop {}", kService), "stop it again"},
    };
    for (const auto& [command, what] : hints) say(fmt::format("  {:<36} # {}", command, what));
    return r.status == 200 ? 0 : 1;
  };
}

}  // namespace pharoctl::cli
