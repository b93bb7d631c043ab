// pharoctl doctor [NAME...] [--fix]: one line per finding, with what to do.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "ops/doctor.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

Runner define_doctor(CLI::App& cmd, const Globals& g) {
  struct Flags {
    std::vector<std::string> names;
    bool fix = false;
  };
  auto f = std::make_shared<Flags>();
  cmd.add_option("NAME", f->names, "Services to check (default: every service in the home)");
  cmd.add_flag("--fix", f->fix, "Rewrite generated run scripts that differ from service.toml");
  return [f, &g] {
    Home home = g.resolve_home();
    for (const auto& n : f->names) {
      ServiceTarget t = parse_service_target(n);
      if (!std::filesystem::exists(home.service(t.name).service_toml())) {
        throw usage_error(fmt::format("no service '{}' in {} (pharoctl new {})", t.name, home.root().string(), t.name));
      }
    }
    std::vector<Finding> findings = run_doctor(home, f->names, f->fix);
    bool problems = false;
    nlohmann::json j = nlohmann::json::array();
    for (const Finding& x : findings) {
      problems = problems || x.level != Finding::Level::Ok;
      if (g.json) {
        j.push_back({{"level", to_string(x.level)}, {"service", x.service}, {"check", x.check}, {"message", x.message}});
      } else if (!(g.quiet && x.level == Finding::Level::Ok)) {
        fmt::print("{:<5} {}{}: {}\n", to_string(x.level), x.service.empty() ? "" : x.service + " ", x.check, x.message);
      }
    }
    if (g.json) fmt::print("{}\n", j.dump(2));
    return problems ? kExitFailed : kExitOk;
  };
}

}  // namespace pharoctl::cli
