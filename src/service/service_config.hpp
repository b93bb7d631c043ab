#pragma once
// service.toml: the one file a user edits (DESIGN.md section 4). Loading validates everything;
// a bad file never yields a half-filled config.
#include <chrono>
#include <filesystem>
#include <cstdint>
#include <string>
#include <vector>

namespace pharoctl {

using Millis = std::chrono::milliseconds;

// Instance I of a service uses each base port + kInstancePortStride * I.
inline constexpr int kInstancePortStride = 10;
inline constexpr int kMaxInstances = 64;

enum class Strategy { Image, LoadOnStart };
enum class RestartPolicy { Always, OnFailure, Never };

struct SourceConfig {
  std::string repository;  // Metacello repository string; empty: nothing to load
  std::string baseline;    // without the BaselineOf prefix
  std::vector<std::string> groups{"default"};
  Strategy strategy = Strategy::Image;
  // A project's .smalltalk.ston (smalltalkCI): when set, each build takes repository, baseline and
  // groups from it (build/smalltalkci_spec.hpp), and they are not set here. Relative paths are
  // taken from the service directory.
  std::string smalltalk_ston;
};

struct AppConfig {
  std::string start = "app.st";  // relative to the service directory
  int http_port = 8080;
  // The address the generated app.st binds its ZnServer to (PHAROCTL_HTTP_BIND): loopback, for
  // a service behind nginx; "0.0.0.0" listens on every interface, as Zinc does when not told.
  std::string bind = "127.0.0.1";
  // Further files the service's code reads at start (relative to the service directory). With
  // `start` they go into each release, so a release runs its own copies (PHAROCTL_APP_DIR).
  std::vector<std::string> files;
};

// The variables of service.toml's [env] table, in file order (NAME, value).
using EnvTable = std::vector<std::pair<std::string, std::string>>;

struct ConsoleConfig {
  int telnet_port = 42001;
  int metrics_port = 42002;
};

struct HealthConfig {
  std::string url = "http://127.0.0.1:{metrics_port}/metrics/system.status";
  std::string expect = "Status OK";
  Millis interval{10'000};
  Millis timeout{5'000};
  int retries = 3;
  Millis grace{120'000};
  // How long a start or a rollout waits at most for a VM to pass health: the grace, or 10
  // minutes where the grace is 0 (none: the supervisor never gives up on a starting VM).
  Millis wait_bound() const { return grace > Millis(0) ? grace : Millis(600'000); }
};

struct RestartConfig {
  RestartPolicy policy = RestartPolicy::Always;
  Millis backoff_initial{200};
  Millis backoff_max{60'000};
  int max = 10;
  Millis window{600'000};
};

struct ServiceConfig {
  std::string name;
  std::string description;
  std::string user;  // empty: the user running pharoctl
  std::string runtime = "pharo-130";
  std::string image;  // image name as written; empty: the service name (image_name())
  SourceConfig source;
  AppConfig app;
  ConsoleConfig console;
  int instances = 1;
  HealthConfig health;
  RestartConfig restart;
  Millis stop_timeout{30'000};
  int keep_days = 14;
  std::uint64_t log_max_size = 100ull << 20;  // [logs] max_size: a daily file rotates to .1 past it
  EnvTable env;  // [env]: added to the VM's defined environment (see runtime/vm_environment)

  int http_port(int instance) const { return app.http_port + kInstancePortStride * instance; }
  int telnet_port(int instance) const { return console.telnet_port + kInstancePortStride * instance; }
  int metrics_port(int instance) const { return console.metrics_port + kInstancePortStride * instance; }
  // Every port of every instance, in instance order (http, telnet, metrics per instance).
  std::vector<int> all_ports() const;
  // The image's name (NAME.image, NAME.changes): [service].image, else the service's name.
  const std::string& image_name() const { return image.empty() ? name : image; }
  // [health].url with {http_port}, {telnet_port} and {metrics_port} of this instance filled in.
  std::string health_url(int instance) const;
};

// A config with every default filled in for a new service of this name.
ServiceConfig default_service_config(const std::string& name);

// Loads and validates. Throws Failure(kExitUsage) with one line
// "FILE:LINE:COL: FIELD: what is wrong (what would be right)" on the first problem.
// `text_read`, when given, receives the file's text as parsed (for its digest).
ServiceConfig load_service_config(const std::filesystem::path& file, std::string* text_read = nullptr);
// The same from `file`'s text already read: parsed, and its name checked against the directory.
ServiceConfig parse_service_file(const std::string& text, const std::filesystem::path& file);
// Every file of a release's app: [app].start then [app].files, as written (relative paths).
std::vector<std::string> app_files(const ServiceConfig& config);

// The service NAME of the home: its service.toml loaded, or a usage error saying how to
// create it when the service does not exist.
class Home;
ServiceConfig load_named_service(const Home& home, const std::string& name);

// The same from text; `file` only names the source in messages.
ServiceConfig parse_service_config(const std::string& text, const std::string& file);

// Checks what cannot be seen field by field (port clashes between instances, and so on).
// Returns "" when fine, else the problem. Used by the loader and by `new`.
std::string check_service_ports(const ServiceConfig& config);

// Durations as written in service.toml and on the command line: "200ms", "10s", "10m", "2h".
// False for anything else, and for anything longer than kMaxDuration (no overflow downstream).
inline constexpr Millis kMaxDuration{30LL * 24 * 3'600'000};  // 30 days
bool parse_duration(const std::string& text, Millis& out);
// The same for a command-line option: throws Failure(kExitUsage) naming the option, the
// allowed range and an example, e.g. "--timeout: \"99999999h\" is longer than 30 days ...".
Millis parse_duration_option(const std::string& option, const std::string& text, Millis lo, Millis hi);
std::string format_duration(Millis d);

const char* to_string(Strategy s);
const char* to_string(RestartPolicy p);

}  // namespace pharoctl
