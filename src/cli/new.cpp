// pharoctl new NAME: scaffolds a service, from flags (--yes or no terminal) or by asking.
#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "build/smalltalkci_spec.hpp"
#include "cli/prompt.hpp"
#include "ops/new_service.hpp"
#include "service/port_allocation.hpp"
#include "service/value_rules.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {
namespace {

struct NewFlags {
  std::string name;
  std::optional<std::string> runtime, description, user, image, repository, baseline, groups;
  std::optional<std::string> http_port, telnet_port, metrics_port, instances;
  std::optional<std::string> from_ston;  // --from-ston [FILE]: "" means ./.smalltalk.ston
  bool yes = false;
};

std::string current_user() {
  if (const passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
  return std::to_string(::geteuid());
}

std::string check_user(const std::string& v) {
  if (std::string why = check_user_name(v); !why.empty()) return why;
  if (!v.empty() && !::getpwnam(v.c_str())) {
    return fmt::format("\"{}\" is not a user on this machine (create it first, or leave it empty for the user running pharoctl)", v);
  }
  return "";
}

// The absolute path of the .smalltalk.ston `new --from-ston [FILE]` names, read once now so that
// a file pharoctl cannot build from is refused before anything is written.
std::string smalltalk_ston_for_new(const NewFlags& f) {
  for (const auto* given : {&f.repository, &f.baseline, &f.groups}) {
    if (*given) {
      throw usage_error("source: --from-ston takes repository, baseline and groups from the file; drop --repository, --baseline and --groups");
    }
  }
  std::filesystem::path file = f.from_ston->empty() ? std::filesystem::path(".smalltalk.ston") : std::filesystem::path(*f.from_ston);
  file = std::filesystem::absolute(file).lexically_normal();
  source_from_smalltalk_ston(file);  // throws a usage error naming the file
  return file.string();
}

template <class Answer>
void ask_source(ServiceConfig& c, const NewFlags& f, Answer& answer) {
  c.source.repository =
      answer("source.repository", "--repository", "Metacello repository (empty: none)", f.repository, "", check_repository);
  auto baseline_check = [&](const std::string& v) {
    if (std::string why = check_baseline(v); !why.empty()) return why;
    if (!v.empty() && c.source.repository.empty()) {
      return std::string("is set but there is no repository (give --repository too, or leave the baseline empty)");
    }
    return std::string();
  };
  c.source.baseline = answer("source.baseline", "--baseline", "Baseline (without BaselineOf)", f.baseline, "",
                             baseline_check);
  std::string groups_text = answer("source.groups", "--groups", "Groups (comma separated)", f.groups, "default",
                                   [](const std::string& v) {
                                     std::vector<std::string> tmp;
                                     return parse_groups(v, tmp);
                                   });
  parse_groups(groups_text, c.source.groups);
}

// The service's name and fields, from the flags or asked on a terminal.
ServiceConfig answer_questions(const NewFlags& f, const Home& home, bool interactive, Prompter& prompter) {
  // A flag's value is checked as strictly as an answer; a bad flag is bad usage even on a terminal.
  auto from_flag = [](const char* field, const char* flag, const std::string& value,
                      const Prompter::Check& check) -> std::string {
    if (std::string why = check(value); !why.empty()) throw usage_error(fmt::format("{}: {} {}", field, flag, why));
    return value;
  };
  auto answer = [&](const char* field, const char* flag, const char* prompt, const std::optional<std::string>& given,
                    const std::string& def, const Prompter::Check& check) -> std::string {
    if (given) return from_flag(field, flag, *given, check);
    if (interactive) return prompter.ask(prompt, def, check);
    if (std::string why = check(def); !why.empty()) throw usage_error(fmt::format("{}: default {}", field, why));
    return def;
  };

  ServiceConfig c;
  auto name_check = [&](const std::string& v) { return check_new_service_name(home, v); };
  if (!f.name.empty()) {
    c.name = from_flag("name", "NAME", f.name, name_check);
  } else if (interactive) {
    c.name = prompter.ask("Service name", "", [&](const std::string& v) {
      return v.empty() ? std::string("a service name is required ([a-z][a-z0-9-]{0,62}, as in \"shop\")") : name_check(v);
    });
  } else {
    throw usage_error("name: missing (pharoctl new NAME, as in: pharoctl new shop --yes)");
  }
  c = default_service_config(c.name);

  c.image = answer("image", "--image", "Image name", f.image, c.name, check_image_name);
  std::string me = current_user();
  c.user = answer("user", "--user", "User (empty: the user running pharoctl)", f.user, f.user ? "" : me, check_user);
  if (c.user == me && !f.user) c.user = "";
  c.description = answer("description", "--description", "Description", f.description, c.description, check_description);
  c.runtime = answer("runtime", "--runtime", "Runtime", f.runtime, default_runtime(home), check_runtime_name);
  if (f.from_ston) {
    c.source.smalltalk_ston = smalltalk_ston_for_new(f);
  } else {
    ask_source(c, f, answer);
  }
  std::string count_text = answer("instances.count", "--instances", "Number of instances", f.instances, "1",
                                  [](const std::string& v) {
                                    int n = 0;
                                    return parse_int_in(v, 1, kMaxInstances, n);
                                  });
  parse_int_in(count_text, 1, kMaxInstances, c.instances);

  return c;
}

// Ports: the defaults are the next free set; an explicit or typed port must be free.
void choose_ports(ServiceConfig& c, const NewFlags& f, const Home& home, bool interactive, Prompter& prompter) {
  auto taken = ports_of_services(home, c.name);
  auto listening = listening_tcp_ports();
  PortRequest req;
  req.instances = c.instances;
  struct PortQuestion {
    const char* field;
    const char* flag;
    const char* prompt;
    const std::optional<std::string>* given;
    std::optional<int> PortRequest::*slot;
  };
  const PortQuestion port_questions[] = {
      {"app.http_port", "--http-port", "HTTP port", &f.http_port, &PortRequest::http},
      {"console.telnet_port", "--telnet-port", "Telnet (REPL) port", &f.telnet_port, &PortRequest::telnet},
      {"console.metrics_port", "--metrics-port", "Metrics port", &f.metrics_port, &PortRequest::metrics},
  };
  // Flags first, so that the defaults offered for the rest avoid them.
  for (const PortQuestion& q : port_questions) {
    if (!*q.given) continue;
    int port = 0;
    if (std::string why = parse_int_in(**q.given, 1, 65535, port); !why.empty()) {
      throw usage_error(fmt::format("{}: {} {}", q.field, q.flag, why));
    }
    req.*q.slot = port;
  }
  allocate_ports(req, taken, listening);  // refuses clashing explicit ports
  for (const PortQuestion& q : port_questions) {
    if (*q.given || !interactive) continue;
    PortSet offer = allocate_ports(req, taken, listening);
    int def = q.slot == &PortRequest::http ? offer.http : q.slot == &PortRequest::telnet ? offer.telnet : offer.metrics;
    std::string typed = prompter.ask(q.prompt, std::to_string(def), [&](const std::string& v) {
      int port = 0;
      if (std::string why = parse_int_in(v, 1, 65535, port); !why.empty()) return why;
      PortRequest trial = req;
      trial.*q.slot = port;
      try {
        allocate_ports(trial, taken, listening);
      } catch (const Failure& e) {
        std::string m = e.what();
        auto colon = m.find(": ");
        return colon == std::string::npos ? m : m.substr(colon + 2);
      }
      return std::string();
    });
    int port = 0;
    parse_int_in(typed, 1, 65535, port);
    req.*q.slot = port;
  }
  PortSet ports = allocate_ports(req, taken, listening);
  c.app.http_port = ports.http;
  c.console.telnet_port = ports.telnet;
  c.console.metrics_port = ports.metrics;
  if (std::string why = check_service_ports(c); !why.empty()) throw usage_error("ports: " + why);

}

void report_new(const ServiceConfig& c, const NewServiceResult& r, const Home& home, const Globals& g) {
  if (g.json) {
    nlohmann::json j = {{"name", c.name},
                        {"dir", r.dir.string()},
                        {"http_port", c.app.http_port},
                        {"telnet_port", c.console.telnet_port},
                        {"metrics_port", c.console.metrics_port},
                        {"instances", c.instances},
                        {"runtime", c.runtime}};
    for (const auto& p : r.written) j["written"].push_back(p.string());
    fmt::print("{}\n", j.dump(2));
    return;
  }
  if (!g.quiet) {
    fmt::print("created service {} in {}\n", c.name, r.dir.string());
    for (const auto& p : r.written) fmt::print("  wrote {}\n", p.string());
    fmt::print("ports: http {}, telnet {} (127.0.0.1), metrics {} (127.0.0.1){}\n", c.app.http_port,
               c.console.telnet_port, c.console.metrics_port,
               c.instances > 1 ? fmt::format(", + {} per instance", kInstancePortStride) : "");
    bool have_runtime = false;
    for (const auto& rt : installed_runtimes(home)) have_runtime = have_runtime || rt == c.runtime;
    if (!have_runtime) {
      std::string v = c.runtime.rfind("pharo-", 0) == 0 ? c.runtime.substr(6) : c.runtime;
      fmt::print("runtime {} is not installed yet: pharoctl install {}\n", c.runtime, v);
    }
    if (!c.source.smalltalk_ston.empty()) {
      SourceConfig from = source_from_smalltalk_ston(c.source.smalltalk_ston);
      fmt::print("source: baseline {} from {}, groups {} (read from {} at each build)\n", from.baseline, from.repository,
                 fmt::join(from.groups, ","), c.source.smalltalk_ston);
    }
    fmt::print("next: edit {}, then pharoctl start {}\n", (r.dir / c.app.start).string(), c.name);
  }
}

int run_new(NewFlags f, const Globals& g) {
  Home home = g.resolve_home();
  const bool interactive = !f.yes && ::isatty(STDIN_FILENO) == 1;
  Prompter prompter(std::cin, std::cout);
  ServiceConfig c = answer_questions(f, home, interactive, prompter);
  choose_ports(c, f, home, interactive, prompter);
  NewServiceResult r = create_service(home, c);
  report_new(c, r, home, g);
  return kExitOk;
}

}  // namespace

Runner define_new(CLI::App& cmd, const Globals& g) {
  auto f = std::make_shared<NewFlags>();
  cmd.add_option("NAME", f->name, "Service name: [a-z][a-z0-9-]{0,62}");
  cmd.add_option("--runtime", f->runtime, "Runtime under runtimes/ (default: the installed one)")->type_name("RUNTIME");
  cmd.add_option("--description", f->description, "One line describing the service");
  cmd.add_option("--user", f->user, "User the service runs as (default: the user running pharoctl)")->type_name("USER");
  cmd.add_option("--image", f->image, "Image name (default: the service name)")->type_name("NAME");
  cmd.add_option("--repository", f->repository, "Metacello repository, e.g. github://acme/shop:main/src")->type_name("URL");
  cmd.add_option("--baseline", f->baseline, "Baseline name without the BaselineOf prefix")->type_name("NAME");
  cmd.add_option("--groups", f->groups, "Metacello groups, comma separated (default: default)")->type_name("A,B");
  cmd.add_option("--from-ston", f->from_ston,
                 "Take repository, baseline and groups from a project's smalltalkCI file at each build "
                 "(default FILE: ./.smalltalk.ston)")
      ->expected(0, 1)
      ->type_name("[FILE]");
  cmd.add_option("--http-port", f->http_port, "HTTP port of instance 0 (default: next free from 8080)")->type_name("PORT");
  cmd.add_option("--telnet-port", f->telnet_port, "NeoConsole REPL port (default: next free from 42001)")->type_name("PORT");
  cmd.add_option("--metrics-port", f->metrics_port, "NeoConsole metrics port (default: next free from 42002)")->type_name("PORT");
  cmd.add_option("--instances", f->instances, "Number of instances (default: 1)")->type_name("NUMBER");
  cmd.add_flag("-y,--yes", f->yes, "Take the defaults for everything not given; never ask");
  return [f, &g] { return run_new(*f, g); };
}

}  // namespace pharoctl::cli
