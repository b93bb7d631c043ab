// status [NAME...]: a table (or --json) of services from their supervisors; stopped services
// with the ports of their service.toml.
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "deploy/release_app.hpp"
#include "service/release_store.hpp"
#include "service/service_config.hpp"

#include "cli/commands.hpp"
#include "supervise/service_control.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

namespace {

std::string human_duration(double s) {
  long t = static_cast<long>(s);
  if (t < 60) return fmt::format("{}s", t);
  if (t < 3600) return fmt::format("{}m{:02}s", t / 60, t % 60);
  if (t < 86400) return fmt::format("{}h{:02}m", t / 3600, (t % 3600) / 60);
  return fmt::format("{}d{:02}h", t / 86400, (t % 86400) / 3600);
}

std::string human_bytes(std::uint64_t b) {
  if (b >= (1ull << 30)) return fmt::format("{:.1f}G", static_cast<double>(b) / static_cast<double>(1ull << 30));
  if (b >= (1ull << 20)) return fmt::format("{:.1f}M", static_cast<double>(b) / static_cast<double>(1ull << 20));
  return fmt::format("{}K", b >> 10);
}

const char* colour_of(const std::string& state) {
  if (state == "running") return "\033[32m";
  if (state == "failed" || state == "invalid" || state == "unresponsive" || state == "orphaned") return "\033[31m";
  if (state == "stopped") return "\033[2m";
  return "\033[33m";
}

struct Row {
  std::vector<std::string> cells;
  std::string state;  // coloured column
};

void print_table(const std::vector<ServiceStatus>& all, bool colour) {
  std::vector<std::string> head = {"SERVICE", "STATE", "PID", "UPTIME", "RESTARTS", "HEALTH", "MEMORY", "PORTS"};
  std::vector<Row> rows;
  std::vector<std::string> notes;
  for (const auto& s : all) {
    bool multi = s.instances.size() > 1;
    if (s.instances.empty()) rows.push_back({{s.name, s.state, "-", "-", "-", "-", "-", "-"}, s.state});
    for (const auto& i : s.instances) {
      std::string name = multi ? fmt::format("{}@{}", s.name, i.index) : s.name;
      std::string state = (s.state == "unresponsive" || s.state == "stopping") ? s.state : i.state;
      std::string health = "-";
      if (i.health) health = i.health->ok ? fmt::format("ok {:.0f}ms", i.health->latency_ms) : "FAIL";
      rows.push_back({{name, state, i.pid > 0 ? std::to_string(i.pid) : "-",
                       i.pid > 0 ? human_duration(i.uptime_s) : "-", std::to_string(i.restarts), health,
                       i.rss_bytes ? human_bytes(*i.rss_bytes) : "-",
                       fmt::format("{}/{}/{}", i.http_port, i.telnet_port, i.metrics_port)},
                      state});
      if (!i.reason.empty() && i.state != "running") {
        notes.push_back(fmt::format("{}: {}", name, i.reason));
      } else if (!i.last_words.empty() && i.state != "running" && i.last_exit) {
        // Restarted and not healthy yet: what the VM that ended said last.
        notes.push_back(fmt::format("{}: last VM {}: {}", name, i.last_exit->describe(), i.last_words));
      }
      if (!i.stale_pid_file.empty()) notes.push_back(fmt::format("{}: stale pid file {}", name, i.stale_pid_file));
    }
    if (!s.reason.empty()) notes.push_back(fmt::format("{}: {}", s.name, s.reason));
  }
  std::vector<size_t> width(head.size());
  for (size_t c = 0; c < head.size(); ++c) {
    width[c] = head[c].size();
    for (const auto& r : rows) width[c] = std::max(width[c], r.cells[c].size());
  }
  std::string out;
  for (size_t c = 0; c < head.size(); ++c) out += fmt::format("{:<{}}{}", head[c], width[c], c + 1 < head.size() ? "  " : "");
  out += "\n";
  for (const auto& r : rows) {
    std::string line;
    for (size_t c = 0; c < head.size(); ++c) {
      std::string cell = fmt::format("{:<{}}", r.cells[c], width[c]);
      if (c == 1 && colour) cell = std::string(colour_of(r.state)) + cell + "\033[0m";
      line += cell + (c + 1 < head.size() ? "  " : "");
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  for (const auto& n : notes) out += "  " + n + "\n";
  fmt::print("{}", out);
}

// The app files of the service directory that differ from the running release's copies: an
// edit waiting for the next deploy.
std::vector<std::string> app_drift(const Home& home, const ServiceStatus& s) {
  try {
    ServicePaths paths = home.service(s.name);
    // Without a release there is nothing to differ from: service.toml is not read at all.
    std::optional<std::string> cur = ReleaseStore(paths).current();
    if (!cur) return {};
    // Nor while it is the configuration its supervisor runs, whose app files its record names.
    if (s.applied_app_files && !s.config_digest.empty() && !s.config_differs)
      return app_files_differing(*s.applied_app_files, paths, *cur);
    return app_files_differing(load_named_service(home, s.name), paths, *cur);
  } catch (const std::exception&) {
    return {};  // an invalid service.toml shows as state "invalid" already
  }
}

}  // namespace

Runner define_status(CLI::App& cmd, const Globals& g) {
  auto names = std::make_shared<std::vector<std::string>>();
  cmd.add_option("names", *names, "Services to show (default: every service of the home)");
  return [&g, names]() -> int {
    Home home = g.resolve_home();
    std::vector<std::string> list = *names;
    for (const auto& n : list)
      if (std::string why = check_service_name(n); !why.empty()) throw usage_error(fmt::format("{}: {}", n, why));
    bool named = !list.empty();
    if (!named) list = home.service_names();
    int rc = kExitOk;
    for (const auto& n : list)
      if (named && !std::filesystem::exists(home.service(n).service_toml()))
        throw usage_error(fmt::format("{}: no such service ({} missing)", n, home.service(n).service_toml().string()));
    std::vector<ServiceStatus> all = collect_statuses(home, list);
    for (const auto& s : all) rc = worst_status_exit_code(rc, status_exit_code(s));
    if (g.json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& s : all) {
        nlohmann::json j = to_json(s);
        j["app_files_differ"] = app_drift(home, s);
        arr.push_back(j);
      }
      fmt::print("{}\n", nlohmann::json{{"services", arr}}.dump(2));
    } else if (all.empty()) {
      if (!g.quiet) fmt::print("no services in {} (`pharoctl new NAME` creates one)\n", home.root().string());
    } else {
      print_table(all, g.color(STDOUT_FILENO));
      for (const auto& s : all) {
        std::vector<std::string> drift = app_drift(home, s);
        if (drift.empty()) continue;
        fmt::print("{}: {} differ{} from the running release (`pharoctl deploy {}` applies the edit)\n", s.name,
                   fmt::join(drift, ", "), drift.size() == 1 ? "s" : "", s.name);
      }
    }
    return rc;
  };
}

}  // namespace pharoctl::cli
