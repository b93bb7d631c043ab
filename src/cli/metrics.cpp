// pharoctl metrics NAME[@I] [METRIC] and pharoctl health NAME[@I]: NeoConsole's HTTP metrics.
#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/console_options.hpp"
#include "neoconsole/console_target.hpp"
#include "neoconsole/metrics_client.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

Runner define_metrics(CLI::App& cmd, const Globals& globals) {
  struct Options {
    std::string target;
    std::string metric;
    std::string timeout = "5s";
  };
  auto o = std::make_shared<Options>();
  cmd.add_option("target", o->target, "NAME or NAME@I")->required();
  cmd.add_option("metric", o->metric, "One metric's name (default: list them all)");
  cmd.add_option("--timeout", o->timeout, "How long to wait for the answer (e.g. 5s)")->type_name("DURATION");
  return [&globals, o]() -> int {
    auto timeout = parse_timeout_option("--timeout", o->timeout);
    neoconsole::ConsoleTarget t = neoconsole::resolve_one_instance(globals.resolve_home(), o->target);
    if (!o->metric.empty()) {
      std::string value = neoconsole::fetch_metric(t.metrics_port(), o->metric, timeout);
      if (globals.json) {
        fmt::print("{}\n", nlohmann::json{{"service", t.name}, {"instance", t.instance}, {"name", o->metric}, {"value", value}}.dump());
      } else {
        fmt::print("{}\n", value);
      }
      return kExitOk;
    }
    auto list = neoconsole::fetch_metric_list(t.metrics_port(), timeout);
    if (globals.json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& m : list) arr.push_back({{"name", m.name}, {"description", m.description}});
      fmt::print("{}\n", nlohmann::json{{"service", t.name}, {"instance", t.instance}, {"metrics", arr}}.dump());
      return kExitOk;
    }
    size_t width = 0;
    for (const auto& m : list) width = std::max(width, m.name.size());
    for (const auto& m : list) fmt::print("{:<{}}  {}\n", m.name, width, m.description);
    return kExitOk;
  };
}

Runner define_health(CLI::App& cmd, const Globals& globals) {
  auto target = std::make_shared<std::string>();
  cmd.add_option("target", *target, "NAME (every instance) or NAME@I")->required();
  return [&globals, target]() -> int {
    auto instances = neoconsole::resolve_instances(globals.resolve_home(), *target);
    bool all = true;
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& t : instances) {
      auto r = neoconsole::check_health(t.config.health_url(t.instance), t.config.health.expect, t.config.health.timeout);
      all = all && r.healthy;
      if (globals.json) {
        arr.push_back({{"instance", t.instance}, {"healthy", r.healthy}, {"why", r.why}});
      } else if (!globals.quiet) {
        fmt::print("{}: {}: {}\n", t.display, r.healthy ? "healthy" : "unhealthy", r.why);
      }
    }
    if (globals.json) {
      fmt::print("{}\n", nlohmann::json{{"service", instances.front().name}, {"healthy", all}, {"instances", arr}}.dump());
    }
    return all ? kExitOk : kExitFailed;
  };
}

}  // namespace pharoctl::cli
