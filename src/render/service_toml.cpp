#include "render/service_toml.hpp"

#include <fmt/format.h>

#include "util/byte_size.hpp"

namespace pharoctl {

std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (u < 0x20 || u == 0x7f) out += fmt::format("\\u{:04x}", u);
        else out += c;
    }
  }
  return out + "\"";
}

namespace {
std::string toml_string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + toml_string(items[i]);
  return out + "]";
}
}  // namespace

std::string render_service_toml(const ServiceConfig& c) {
  std::string o;
  o += "# service.toml: the one file to edit for this service (pharoctl regenerates the rest).\n";
  o += "# After a change: `pharoctl doctor " + c.name + "` checks it, `pharoctl restart " + c.name + "` applies it.\n\n";
  o += fmt::format("name        = {}\n", toml_string(c.name));
  o += fmt::format("description = {}\n", toml_string(c.description));
  o += fmt::format("user        = {}   # empty: the user running pharoctl\n", toml_string(c.user));
  o += fmt::format("runtime     = {}   # a directory under runtimes/ (pharoctl runtimes)\n", toml_string(c.runtime));
  o += fmt::format("image       = {}   # the image's name, without .image\n", toml_string(c.image));
  o += "\n[source]                       # what `pharoctl build` loads\n";
  if (!c.source.smalltalk_ston.empty()) {
    o += fmt::format("smalltalk_ston = {}   # repository, baseline and groups: read from it at each build\n",
                     toml_string(c.source.smalltalk_ston));
  } else {
    o += fmt::format("repository = {}   # Metacello repository; empty: nothing to load\n", toml_string(c.source.repository));
    o += fmt::format("baseline   = {}   # without the BaselineOf prefix\n", toml_string(c.source.baseline));
    o += fmt::format("groups     = {}\n", toml_string_array(c.source.groups));
  }
  o += fmt::format("strategy   = {}   # image: prebuilt image | load-on-start: load at every start\n",
                   toml_string(to_string(c.source.strategy)));
  o += "\n[app]\n";
  o += fmt::format("start     = {}   # your start code; healthy once it has run\n", toml_string(c.app.start));
  o += fmt::format("http_port = {}   # instance I listens on http_port + {} x I (PHAROCTL_HTTP_PORT)\n", c.app.http_port,
                   kInstancePortStride);
  o += fmt::format("bind      = {}   # ZnServer's bindingAddress: (PHAROCTL_HTTP_BIND); \"0.0.0.0\" = every interface\n",
                   toml_string(c.app.bind));
  if (c.app.files.empty()) {
    o += "# files   = [\"config.json\"]   # further files your code reads at start: each release keeps its copy\n";
  } else {
    o += fmt::format("files     = {}   # each release keeps its copy (PHAROCTL_APP_DIR)\n", toml_string_array(c.app.files));
  }
  o += "\n[console]                      # NeoConsole, always bound to 127.0.0.1\n";
  o += fmt::format("telnet_port  = {}   # REPL (pharoctl repl / eval)\n", c.console.telnet_port);
  o += fmt::format("metrics_port = {}   # HTTP metrics (/metrics/...)\n", c.console.metrics_port);
  o += "\n[instances]\n";
  o += fmt::format("count = {}   # instance I uses each port + {} x I\n", c.instances, kInstancePortStride);
  o += "\n[health]\n";
  o += fmt::format("url      = {}\n", toml_string(c.health.url));
  o += fmt::format("expect   = {}   # text the answer must contain\n", toml_string(c.health.expect));
  o += fmt::format("interval = {}\n", toml_string(format_duration(c.health.interval)));
  o += fmt::format("timeout  = {}\n", toml_string(format_duration(c.health.timeout)));
  o += fmt::format("retries  = {}   # consecutive failures before a restart\n", c.health.retries);
  o += fmt::format("grace    = {}   # time a new VM has to become healthy\n", toml_string(format_duration(c.health.grace)));
  o += "\n[restart]\n";
  o += fmt::format("policy          = {}   # always | on-failure | never\n", toml_string(to_string(c.restart.policy)));
  o += fmt::format("backoff_initial = {}\n", toml_string(format_duration(c.restart.backoff_initial)));
  o += fmt::format("backoff_max     = {}\n", toml_string(format_duration(c.restart.backoff_max)));
  o += fmt::format("max             = {}   # restarts within window, then the service is \"failed\"\n", c.restart.max);
  o += fmt::format("window          = {}\n", toml_string(format_duration(c.restart.window)));
  o += "\n[stop]\n";
  o += fmt::format("timeout = {}   # SIGTERM, wait this long, then SIGKILL\n", toml_string(format_duration(c.stop_timeout)));
  o += "\n[logs]\n";
  o += fmt::format("keep_days = {}\n", c.keep_days);
  o += fmt::format("max_size  = {}   # a daily file past this size rotates to .1 (one kept per day)\n",
                   toml_string(format_byte_size(c.log_max_size)));
  o += "\n[env]                          # the VM's environment beyond PATH, HOME, LANG/LC_*, TZ, PHAROCTL_*\n";
  if (c.env.empty()) o += "# APP_MODE = \"production\"\n";
  for (const auto& [name, value] : c.env) o += fmt::format("{} = {}\n", name, toml_string(value));
  return o;
}

}  // namespace pharoctl
