#include "service/service_config.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "service/home.hpp"
#include "service/value_rules.hpp"
#include "util/atomic_file.hpp"
#include "util/byte_size.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

// Digits then a unit: a duration that failed to parse only for being too long.
bool looks_like_duration(const std::string& v) {
  size_t i = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
  std::string unit = v.substr(i);
  return i > 0 && (unit == "ms" || unit == "s" || unit == "m" || unit == "min" || unit == "h" || unit == "d");
}

// Walks one TOML table, remembering which keys were read so that the rest can be reported as
// unknown. Every error carries the position of the offending node.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string prefix, const std::string& file)
      : table_(table), prefix_(std::move(prefix)), file_(file) {}

  [[noreturn]] void fail(const toml::node& node, const std::string& key, const std::string& what) const {
    const auto& src = node.source();
    throw usage_error(fmt::format("{}:{}:{}: {}: {}", file_, src.begin.line, src.begin.column,
                                  field(key), what));
  }

  std::string field(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }

  const toml::node* get(const std::string& key) {
    seen_.insert(key);
    return table_.get(key);
  }

  void string(const std::string& key, std::string& out,
              const std::function<std::string(const std::string&)>& check) {
    const toml::node* n = get(key);
    if (!n) return;
    auto v = n->value<std::string>();
    if (!n->is_string() || !v) fail(*n, key, fmt::format("expected a string, found {}", type_name(*n)));
    if (check) {
      if (std::string why = check(*v); !why.empty()) fail(*n, key, why);
    }
    out = *v;
  }

  void integer(const std::string& key, int& out, long long lo, long long hi, const char* hint = nullptr) {
    const toml::node* n = get(key);
    if (!n) return;
    if (!n->is_integer()) fail(*n, key, fmt::format("expected an integer, found {}", type_name(*n)));
    long long v = n->as_integer()->get();
    if (v < lo || v > hi) {
      fail(*n, key, fmt::format("{} is out of range (expected {} to {}{}{})", v, lo, hi,
                                hint ? ", " : "", hint ? hint : ""));
    }
    out = static_cast<int>(v);
  }

  void duration(const std::string& key, Millis& out, Millis lo, Millis hi) {
    const toml::node* n = get(key);
    if (!n) return;
    auto v = n->value<std::string>();
    Millis d{};
    if (!n->is_string() || !v || !parse_duration(*v, d)) {
      if (n->is_string() && v && looks_like_duration(*v)) {
        fail(*n, key, fmt::format("\"{}\" is out of range (expected {} to {})", *v, format_duration(lo), format_duration(hi)));
      }
      fail(*n, key, fmt::format("expected a duration such as \"200ms\", \"10s\", \"10m\" or \"1h\", found {}",
                                describe(*n)));
    }
    if (d < lo || d > hi) {
      fail(*n, key, fmt::format("{} is out of range (expected {} to {})", *v, format_duration(lo), format_duration(hi)));
    }
    out = d;
  }

  void byte_size(const std::string& key, std::uint64_t& out, std::uint64_t lo, std::uint64_t hi) {
    const toml::node* n = get(key);
    if (!n) return;
    auto v = n->value<std::string>();
    std::uint64_t b = 0;
    if (!n->is_string() || !v || !parse_byte_size(*v, b))
      fail(*n, key, fmt::format("expected a size such as \"512KB\", \"100MB\" or \"1GB\", found {}", describe(*n)));
    if (b < lo || b > hi)
      fail(*n, key, fmt::format("{} is out of range (expected {} to {})", *v, format_byte_size(lo), format_byte_size(hi)));
    out = b;
  }

  template <typename E>
  void choice(const std::string& key, E& out, const std::vector<std::pair<std::string, E>>& options) {
    const toml::node* n = get(key);
    if (!n) return;
    auto v = n->value<std::string>();
    std::string names;
    for (const auto& [name, value] : options) names += (names.empty() ? "\"" : ", \"") + name + "\"";
    if (n->is_string() && v) {
      for (const auto& [name, value] : options) {
        if (*v == name) {
          out = value;
          return;
        }
      }
    }
    fail(*n, key, fmt::format("{} is not allowed (expected one of {})", describe(*n), names));
  }

  void string_array(const std::string& key, std::vector<std::string>& out,
                    const std::function<std::string(const std::string&)>& check) {
    const toml::node* n = get(key);
    if (!n) return;
    const toml::array* arr = n->as_array();
    if (!arr) fail(*n, key, fmt::format("expected an array of strings such as [\"default\"], found {}", type_name(*n)));
    std::vector<std::string> values;
    for (const toml::node& item : *arr) {
      auto v = item.value<std::string>();
      if (!item.is_string() || !v) fail(item, key, fmt::format("expected strings in the array, found {}", type_name(item)));
      if (std::string why = check(*v); !why.empty()) fail(item, key, why);
      values.push_back(*v);
    }
    out = std::move(values);
  }

  // A sub-table; absent tables read as empty.
  const toml::table* table(const std::string& key) {
    const toml::node* n = get(key);
    if (!n) return nullptr;
    if (!n->is_table()) fail(*n, key, fmt::format("expected a table [{}], found {}", field(key), type_name(*n)));
    return n->as_table();
  }

  void reject_unknown(const std::vector<std::string>& known) const {
    for (const auto& [k, node] : table_) {
      std::string key(k.str());
      if (seen_.count(key)) continue;
      std::string list;
      for (const auto& kn : known) list += (list.empty() ? "" : ", ") + kn;
      fail(node, key, fmt::format("unknown key (known keys{}: {})", prefix_.empty() ? "" : " in [" + prefix_ + "]", list));
    }
  }

  static std::string type_name(const toml::node& n) {
    switch (n.type()) {
      case toml::node_type::string: return "a string";
      case toml::node_type::integer: return "an integer";
      case toml::node_type::floating_point: return "a float";
      case toml::node_type::boolean: return "a boolean";
      case toml::node_type::array: return "an array";
      case toml::node_type::table: return "a table";
      case toml::node_type::date: return "a date";
      case toml::node_type::time: return "a time";
      case toml::node_type::date_time: return "a date-time";
      default: return "nothing";
    }
  }

  static std::string describe(const toml::node& n) {
    if (auto s = n.value<std::string>(); n.is_string() && s) return fmt::format("\"{}\"", printable(*s));
    return type_name(n);
  }

 private:
  const toml::table& table_;
  std::string prefix_;
  const std::string& file_;
  std::set<std::string> seen_;
};

std::vector<std::string> keys_of(std::initializer_list<const char*> ks) { return {ks.begin(), ks.end()}; }

}  // namespace

bool parse_duration(const std::string& text, Millis& out) {
  size_t i = 0;
  unsigned long long value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    value = value * 10 + static_cast<unsigned long long>(text[i] - '0');
    if (value > 100'000'000'000ULL) return false;
    ++i;
  }
  if (i == 0) return false;
  std::string unit = text.substr(i);
  unsigned long long scale = 0;
  if (unit == "ms") scale = 1;
  else if (unit == "s") scale = 1000;
  else if (unit == "m" || unit == "min") scale = 60'000;
  else if (unit == "h") scale = 3'600'000;
  else if (unit == "d") scale = 24ULL * 3'600'000;
  else return false;
  // value <= 1e11 and scale <= 8.64e7: the product fits in 64 bits; the bound keeps every later
  // sum or multiple (deadlines, rollout timeouts) far from overflow.
  unsigned long long ms = value * scale;
  if (ms > static_cast<unsigned long long>(kMaxDuration.count())) return false;
  out = Millis(static_cast<long long>(ms));
  return true;
}

Millis parse_duration_option(const std::string& option, const std::string& text, Millis lo, Millis hi) {
  Millis d{};
  bool parsed = parse_duration(text, d);
  if (!parsed && !looks_like_duration(text)) {
    throw usage_error(fmt::format("{}: \"{}\" is not a duration (give a number and a unit, ms, s, m, h or d, from {} to {}, "
                                  "as in 30s)", option, printable(text), format_duration(lo), format_duration(hi)));
  }
  if (!parsed) d = hi + Millis(1);  // too long to represent: out of range below
  if (d < lo || d > hi) {
    throw usage_error(fmt::format("{}: {} is out of range (give {} to {}, as in 30s)", option, printable(text),
                                  format_duration(lo), format_duration(hi)));
  }
  return d;
}

std::string format_duration(Millis d) {
  long long ms = d.count();
  if (ms != 0 && ms % 3'600'000 == 0) return fmt::format("{}h", ms / 3'600'000);
  if (ms != 0 && ms % 60'000 == 0) return fmt::format("{}m", ms / 60'000);
  if (ms != 0 && ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

const char* to_string(Strategy s) { return s == Strategy::Image ? "image" : "load-on-start"; }

const char* to_string(RestartPolicy p) {
  switch (p) {
    case RestartPolicy::Always: return "always";
    case RestartPolicy::OnFailure: return "on-failure";
    case RestartPolicy::Never: return "never";
  }
  return "always";
}

std::string ServiceConfig::health_url(int instance) const {
  std::string url = health.url;
  auto replace = [&url](const std::string& what, int value) {
    for (size_t pos; (pos = url.find(what)) != std::string::npos;) url.replace(pos, what.size(), std::to_string(value));
  };
  replace("{http_port}", http_port(instance));
  replace("{telnet_port}", telnet_port(instance));
  replace("{metrics_port}", metrics_port(instance));
  return url;
}

ServiceConfig default_service_config(const std::string& name) {
  ServiceConfig c;
  c.name = name;
  c.image = name;
  c.description = fmt::format("{} Pharo server", name);
  return c;
}

namespace {

void read_source(TableReader& r, const toml::table* t, ServiceConfig& c) {
  r.string("repository", c.source.repository, check_repository);
  r.string("baseline", c.source.baseline, check_baseline);
  r.string_array("groups", c.source.groups, check_group);
  r.choice<Strategy>("strategy", c.source.strategy, {{"image", Strategy::Image}, {"load-on-start", Strategy::LoadOnStart}});
  r.string("smalltalk_ston", c.source.smalltalk_ston, [](const std::string& v) -> std::string {
    if (v.empty()) return "";
    std::string why = check_description(v);
    if (!why.empty()) return why;
    if (v.size() < 5 || v.compare(v.size() - 5, 5, ".ston") != 0) return "expected the path of a .ston file (smalltalkCI's .smalltalk.ston)";
    return "";
  });
  r.reject_unknown(keys_of({"repository", "baseline", "groups", "strategy", "smalltalk_ston"}));
  if (!c.source.smalltalk_ston.empty()) {
    for (const char* field : {"repository", "baseline", "groups"}) {
      if (const toml::node* n = t->get(field)) {
        r.fail(*n, field, "is set beside [source].smalltalk_ston, which supplies it (keep one of the two)");
      }
    }
    if (c.source.strategy == Strategy::LoadOnStart) {
      r.fail(*t->get("smalltalk_ston"), "smalltalk_ston", "needs strategy = \"image\" (the .smalltalk.ston is read by `pharoctl build`)");
    }
  }
  if (!c.source.baseline.empty() && c.source.repository.empty()) {
    r.fail(*t->get("baseline"), "baseline", "is set but [source].repository is empty (name the repository that holds the baseline)");
  }
}

void read_app(TableReader& r, const toml::table* t, ServiceConfig& c) {
  r.string("start", c.app.start, check_relative_file);
  r.integer("http_port", c.app.http_port, 1, 65535);
  r.string("bind", c.app.bind, check_ipv4_address);
  r.string_array("files", c.app.files, check_relative_file);
  r.reject_unknown(keys_of({"start", "http_port", "bind", "files"}));
  if (c.app.files.size() > 100) r.fail(*t->get("files"), "files", "lists more than 100 files (name at most 100)");
  std::set<std::string> seen{c.app.start};
  for (const std::string& f : c.app.files) {
    if (!seen.insert(f).second) {
      r.fail(*t->get("files"), "files", fmt::format("\"{}\" is listed twice or is [app].start (name each file once)", f));
    }
  }
}

void read_console(TableReader& r, const toml::table*, ServiceConfig& c) {
  r.integer("telnet_port", c.console.telnet_port, 1, 65535);
  r.integer("metrics_port", c.console.metrics_port, 1, 65535);
  r.reject_unknown(keys_of({"telnet_port", "metrics_port"}));
}

void read_instances(TableReader& r, const toml::table*, ServiceConfig& c) {
  r.integer("count", c.instances, 1, kMaxInstances);
  r.reject_unknown(keys_of({"count"}));
}

void read_health(TableReader& r, const toml::table*, ServiceConfig& c) {
  r.string("url", c.health.url, check_health_url);
  r.string("expect", c.health.expect, check_expect);
  r.duration("interval", c.health.interval, Millis(100), Millis(3'600'000));
  r.duration("timeout", c.health.timeout, Millis(50), Millis(600'000));
  r.integer("retries", c.health.retries, 1, 100);
  r.duration("grace", c.health.grace, Millis(0), Millis(24 * 3'600'000));
  r.reject_unknown(keys_of({"url", "expect", "interval", "timeout", "retries", "grace"}));
}

void read_restart(TableReader& r, const toml::table* t, ServiceConfig& c) {
  r.choice<RestartPolicy>("policy", c.restart.policy,
                          {{"always", RestartPolicy::Always}, {"on-failure", RestartPolicy::OnFailure}, {"never", RestartPolicy::Never}});
  r.duration("backoff_initial", c.restart.backoff_initial, Millis(0), Millis(3'600'000));
  r.duration("backoff_max", c.restart.backoff_max, Millis(0), Millis(24 * 3'600'000));
  r.integer("max", c.restart.max, 0, 100000);
  r.duration("window", c.restart.window, Millis(1000), Millis(7 * 24 * 3'600'000LL));
  r.reject_unknown(keys_of({"policy", "backoff_initial", "backoff_max", "max", "window"}));
  if (c.restart.backoff_max < c.restart.backoff_initial) {
    r.fail(*t->get("backoff_max"), "backoff_max",
           fmt::format("{} is shorter than backoff_initial {} (make it at least that)",
                       format_duration(c.restart.backoff_max), format_duration(c.restart.backoff_initial)));
  }
}

void read_stop(TableReader& r, const toml::table*, ServiceConfig& c) {
  r.duration("timeout", c.stop_timeout, Millis(100), Millis(3'600'000));
  r.reject_unknown(keys_of({"timeout"}));
}

void read_logs(TableReader& r, const toml::table*, ServiceConfig& c) {
  r.integer("keep_days", c.keep_days, 1, 3650);
  r.byte_size("max_size", c.log_max_size, 64ull << 10, 1ull << 40);
  r.reject_unknown(keys_of({"keep_days", "max_size"}));
}

void read_env(TableReader& r, const toml::table* t, ServiceConfig& c) {
  for (const auto& [k, node] : *t) {
    std::string key(k.str());
    if (std::string why = check_env_name(key); !why.empty()) r.fail(node, key, why);
    std::string value;
    r.string(key, value, check_env_value);
    if (c.env.size() == 100) r.fail(node, key, "more than 100 variables in [env] (keep at most 100)");
    c.env.emplace_back(key, value);
  }
}

// What no single section can tell: the health timeout against its interval, the ports of all
// instances against each other.
void check_across_sections(const toml::table& root, const ServiceConfig& c, const std::string& file) {
  auto where = [](const toml::node* n) {
    return n ? fmt::format("{}:{}", n->source().begin.line, n->source().begin.column) : std::string("1:1");
  };
  if (c.health.timeout >= c.health.interval) {
    throw usage_error(fmt::format("{}:{}: health.timeout: {} must be shorter than health.interval {}", file,
                                  where(root.at_path("health.timeout").node()), format_duration(c.health.timeout),
                                  format_duration(c.health.interval)));
  }
  if (std::string why = check_service_ports(c); !why.empty()) {
    const toml::node* n = root.at_path("instances.count").node();
    if (!n) n = root.at_path("app.http_port").node();
    throw usage_error(fmt::format("{}:{}: ports: {}", file, where(n), why));
  }
}

}  // namespace

ServiceConfig parse_service_config(const std::string& text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    throw usage_error(fmt::format("{}:{}:{}: not valid TOML: {}", file, src.begin.line, src.begin.column,
                                  std::string(e.description())));
  }

  ServiceConfig c;
  TableReader top(root, "", file);
  const toml::node* name_node = top.get("name");
  if (!name_node) throw usage_error(fmt::format("{}:1:1: name: missing (add name = \"<service>\")", file));
  top.string("name", c.name, [](const std::string& v) {
    std::string why = check_service_name(v);
    return why.empty() ? why : fmt::format("\"{}\" {}", printable(v), why);
  });
  c.image = c.name;
  c.description = fmt::format("{} Pharo server", c.name);
  top.string("description", c.description, check_description);
  top.string("user", c.user, check_user_name);
  top.string("runtime", c.runtime, check_runtime_name);
  top.string("image", c.image, check_image_name);

  using SectionReader = void (*)(TableReader&, const toml::table*, ServiceConfig&);
  const std::pair<const char*, SectionReader> sections[] = {
      {"source", read_source},   {"app", read_app},         {"console", read_console}, {"instances", read_instances},
      {"health", read_health},   {"restart", read_restart}, {"stop", read_stop},       {"logs", read_logs},
      {"env", read_env}};
  for (const auto& [section, read] : sections) {
    if (const toml::table* t = top.table(section)) {
      TableReader r(*t, section, file);
      read(r, t, c);
    }
  }
  top.reject_unknown(keys_of({"name", "description", "user", "runtime", "image", "source", "app", "console",
                              "instances", "health", "restart", "stop", "logs", "env"}));

  check_across_sections(root, c, file);
  return c;
}

std::vector<std::string> app_files(const ServiceConfig& config) {
  std::vector<std::string> files{config.app.start};
  files.insert(files.end(), config.app.files.begin(), config.app.files.end());
  return files;
}

ServiceConfig load_named_service(const Home& home, const std::string& name) {
  if (std::string why = check_service_name(name); !why.empty()) throw usage_error(fmt::format("service name '{}' {}", name, why));
  ServicePaths paths = home.service(name);
  std::error_code ec;
  if (!fs::exists(paths.service_toml(), ec)) {
    throw usage_error(fmt::format("no service '{}' in {} (create it with: pharoctl new {})", name, home.root().string(), name));
  }
  return load_service_config(paths.service_toml());
}

ServiceConfig load_service_config(const fs::path& file, std::string* text_read) {
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    throw usage_error(fmt::format("{}: no such file (create the service with: pharoctl new {})", file.string(),
                                  file.parent_path().filename().string()));
  }
  std::string text = read_file(file);
  ServiceConfig c = parse_service_file(text, file);
  if (text_read) *text_read = std::move(text);
  return c;
}

ServiceConfig parse_service_file(const std::string& text, const fs::path& file) {
  ServiceConfig c = parse_service_config(text, file.string());
  std::string dir_name = file.parent_path().filename().string();
  if (!dir_name.empty() && c.name != dir_name) {
    throw usage_error(fmt::format("{}:1:1: name: \"{}\" differs from the service directory \"{}\" (they must match)",
                                  file.string(), c.name, dir_name));
  }
  return c;
}

}  // namespace pharoctl
