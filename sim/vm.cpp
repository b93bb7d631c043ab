#include "vm.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "clock_text.hpp"
#include "debug_log.hpp"
#include "http_server.hpp"
#include "net.hpp"
#include "telnet_server.hpp"

namespace sim {
namespace {
std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A local Metacello repository holds the baseline as a BaselineOfX package directory below it.
bool holds_baseline(const std::filesystem::path& root, const std::string& package) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return false;
  for (auto it = std::filesystem::recursive_directory_iterator(root, std::filesystem::directory_options::skip_permission_denied, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_directory(ec)) continue;
    std::string name = it->path().filename().string();
    if (name == package || name == package + ".package") return true;
    if (it.depth() > 6) it.disable_recursion_pending();
  }
  return false;
}

std::string local_repository_path(const std::string& repo) {
  for (const char* scheme : {"tonel://", "filetree://", "gitlocal://"}) {
    std::string s = scheme;
    if (repo.rfind(s, 0) == 0) return repo.substr(s.size());
  }
  return "";
}

double idle_seconds() {
  const char* v = std::getenv("PHARO_SIM_REPL_IDLE_SECONDS");
  double d = v ? std::atof(v) : 60.0;
  return d > 0 ? d : 60.0;
}
}  // namespace

Vm::Vm(VmIdentity identity, std::filesystem::path image_path, ImageState state)
    : identity_(std::move(identity)),
      image_path_(std::move(image_path)),
      state_(std::move(state)),
      started_(std::chrono::steady_clock::now()),
      metrics_(MetricSource{state_.version_string, started_, [this] { return mc_versions(); }, [this] { return process_names(); }}, faults_),
      console_(*this),
      interpreter_(*this) {}

void Vm::note(const std::string& text) {
  std::fprintf(stdout, "[pharo-sim] %s\n", text.c_str());
  std::fflush(stdout);
}

void Vm::transcript_show(const std::string& text) { transcript_.show(text); }
void Vm::transcript_install(const std::string& pattern) { transcript_.install(pattern); }

std::string Vm::telnet_start(int port) {
  TelnetOptions options;
  options.port = port;
  options.greeting = "NeoConsole " + state_.version_string;
  options.idle = std::chrono::milliseconds(static_cast<long long>(idle_seconds() * 1000));
  try {
    start_telnet_server(options, console_, faults_);
  } catch (const SocketError& e) {
    throw SmalltalkError("SocketError", e.what());
  }
  std::lock_guard<std::mutex> lock(servers_mu_);
  telnet_ports_.insert(port);
  return fmt::format("a NeoConsoleTelnetServer(running {})", port);
}

std::string Vm::metrics_start(int port) {
  try {
    start_http_server(port, "127.0.0.1", faults_, [this](const HttpRequest& req) -> HttpAnswer {
      if (req.method != "GET" && req.method != "HEAD") return http_not_found(req.path);
      std::string path = req.path.substr(0, req.path.find('?'));
      if (path == "/metrics" || path == "/metrics/") {
        std::string body;
        for (const auto& [name, description] : metrics_.known()) body += "/metrics/" + name + " - " + description + "\n";
        return {200, "text/plain;charset=utf-8", body};
      }
      if (path.rfind("/metrics/", 0) == 0) {
        std::string name = path.substr(path.rfind('/') + 1);
        try {
          if (auto v = metrics_.value(name)) {
            std::string body;
            for (char c : *v) body += c == '\r' ? '\n' : c;
            return {200, "text/plain;charset=utf-8", body + "\n"};
          }
        } catch (const std::exception& e) {
          return {500, "text/plain;charset=utf-8", fmt::format("Internal Server Error: {}\r\n", e.what())};
        }
      }
      return http_not_found(req.path);
    });
  } catch (const SocketError& e) {
    throw SmalltalkError("SocketError", e.what());
  }
  std::lock_guard<std::mutex> lock(servers_mu_);
  metrics_ports_.insert(port);
  return fmt::format("a ZnManagingMultiThreadedServer(running {})", port);
}

std::string Vm::http_start(int port, const std::string& bind, bool log, AppResponder responder) {
  // A fault: the app's start code takes this long before its server listens (the REPL, started
  // before the start code, answers meanwhile; the metrics come after it).
  if (const char* s = std::getenv("PHARO_SIM_APP_DELAY"))
    std::this_thread::sleep_for(std::chrono::duration<double>(std::atof(s)));  // the fault, not synchronisation
  {
    // Registered before the socket listens: a request that arrives at once must find it running.
    std::lock_guard<std::mutex> lock(servers_mu_);
    if (http_ports_.count(port)) return fmt::format("a ZnManagingMultiThreadedServer(running {})", port);
    http_ports_.insert(port);
    if (log) http_logging_.insert(port);
  }
  auto handler = [this, port, responder](const HttpRequest& req) -> HttpAnswer {
    bool logging;
    {
      std::lock_guard<std::mutex> lock(servers_mu_);
      if (!http_ports_.count(port)) return http_not_found(req.path);  // stopped
      logging = http_logging_.count(port) > 0;
    }
    if (logging) transcript_show(fmt::format("{} 001 Request {} {}\n", clock_text::zinc_log_stamp(), req.method, req.path));
    if (responder) {
      std::optional<AppResponse> answer;
      {
        std::lock_guard<std::mutex> lock(image_mu_);  // the block runs in the image
        answer = responder(req.method, req.path);
      }
      if (answer) return {answer->status, answer->content_type.empty() ? "text/plain;charset=utf-8" : answer->content_type, answer->body};
    }
    std::string body = fmt::format(
        "<!DOCTYPE html>\n<html><head><title>Zinc HTTP Components</title></head><body>\n"
        "<h1>It works!</h1>\n<p>Zinc HTTP Components on {} (pharo-sim), port {}, path {}</p>\n</body></html>\n",
        state_.version_string, port, req.path);
    return {200, "text/html;charset=utf-8", body};
  };
  auto bound = [this, port, bind, log] {
    if (!log) return;
    transcript_show(fmt::format("{} 001 Server Socket Bound {}:{}\n", clock_text::zinc_log_stamp(),
                                bind.empty() ? "0.0.0.0" : bind, port));
  };
  auto started = [this, port, log] {
    if (log) transcript_show(fmt::format("{} 001 Started ZnManagingMultiThreadedServer HTTP port {}\n", clock_text::zinc_log_stamp(), port));
  };
  // A fault: the server's socket listens this long after its start returned, as when the start
  // code forks the server's start (the metrics, started after the start code, answer meanwhile).
  if (const char* s = std::getenv("PHARO_SIM_LISTEN_DELAY")) {
    double delay = std::atof(s);
    std::thread([this, port, bind, handler, bound, delay] {
      std::this_thread::sleep_for(std::chrono::duration<double>(delay));  // the fault, not synchronisation
      try {
        start_http_server(port, bind, faults_, handler);
        bound();
      } catch (const SocketError& e) {
        std::fprintf(stderr, "pharo-sim: the late HTTP server on port %d: %s\n", port, e.what());
      }
    }).detach();
    started();
    return fmt::format("a ZnManagingMultiThreadedServer(running {})", port);
  }
  try {
    start_http_server(port, bind, faults_, handler);
  } catch (const SocketError& e) {
    std::lock_guard<std::mutex> lock(servers_mu_);
    http_ports_.erase(port);
    http_logging_.erase(port);
    throw SmalltalkError("SocketError", e.what());
  }
  bound();
  started();
  return fmt::format("a ZnManagingMultiThreadedServer(running {})", port);
}

void Vm::http_stop(int port) {
  std::lock_guard<std::mutex> lock(servers_mu_);
  http_ports_.erase(port);
}

void Vm::metacello_load(const MetacelloLoad& load) {
  std::string name = load.baseline.empty() ? load.configuration : load.baseline;
  std::string package = (load.baseline.empty() ? "ConfigurationOf" : "BaselineOf") + name;
  if (name.empty()) throw SmalltalkError("Error", "Metacello load without baseline: or configuration:");
  std::string local = local_repository_path(load.repository);
  if (!local.empty()) {
    if (!holds_baseline(local, package))
      throw SmalltalkError("MetacelloFetchingError", fmt::format("Could not resolve: {} [{}] in {} ({})", package, package, load.repository,
                                                                 std::filesystem::exists(local) ? "no such package below that path" : "no such directory"));
    note(fmt::format("Loaded {} from {}{}", package, load.repository,
                     load.groups.empty() ? "" : fmt::format(" (groups: {})", fmt::join(load.groups, ", "))));
  } else {
    note(fmt::format("simulated load of {} from {}{} (nothing fetched)", package, load.repository.empty() ? "(no repository)" : load.repository,
                     load.groups.empty() ? "" : fmt::format(" (groups: {})", fmt::join(load.groups, ", "))));
  }
  std::lock_guard<std::recursive_mutex> lock(state_mu_);
  auto& baselines = state_.data["baselines"];
  if (!baselines.is_array()) baselines = nlohmann::json::array();
  for (auto it = baselines.begin(); it != baselines.end(); ++it)
    if ((*it)["name"] == name) {
      baselines.erase(it);
      break;
    }
  baselines.push_back({{"name", name}, {"repository", load.repository}, {"groups", load.groups}});
}

bool Vm::has_class(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(state_mu_);
  const auto& baselines = state_.data.value("baselines", nlohmann::json::array());
  for (const auto& b : baselines) {
    std::string n = b.value("name", "");
    if (name == "BaselineOf" + n || name == "ConfigurationOf" + n) return true;
    if (n == "NeoConsole" && name.rfind("NeoConsole", 0) == 0) return true;
  }
  for (const auto& c : state_.data.value("classes", nlohmann::json::array()))
    if (c == name) return true;
  return false;
}

std::optional<std::string> Vm::environment(const std::string& name) {
  if (const char* v = std::getenv(name.c_str())) return std::string(v);
  return std::nullopt;
}

void Vm::set_epicea(bool enabled) {
  std::lock_guard<std::recursive_mutex> lock(state_mu_);
  state_.data["epicea"] = enabled;
}

void Vm::save_as(const std::filesystem::path& image) {
  std::lock_guard<std::recursive_mutex> lock(state_mu_);
  write_image(image, state_);
  std::filesystem::path changes = image;
  changes.replace_extension(".changes");
  std::filesystem::path old_changes = image_path_;
  old_changes.replace_extension(".changes");
  std::error_code ec;
  if (changes != old_changes && std::filesystem::exists(old_changes, ec))
    std::filesystem::copy_file(old_changes, changes, std::filesystem::copy_options::overwrite_existing, ec);
  else if (!std::filesystem::exists(changes, ec))
    std::ofstream(changes, std::ios::app);
}

void Vm::snapshot(bool save, bool quit_after) {
  if (save) save_as(image_path_);
  if (quit_after) quit(0);
}

void Vm::quit(int code) {
  std::fflush(stdout);
  std::fflush(stderr);
  _exit(code);
}

void Vm::file_in(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw SmalltalkError("FileDoesNotExistException", fmt::format("File does not exist: {}", path));
  interpreter_.run_script(read_file(path), path);
}

void Vm::add_metric(const std::string& name, const std::string& description, std::function<std::string()> reader) {
  metrics_.add(name, description, [this, reader] {
    std::lock_guard<std::mutex> lock(image_mu_);
    return reader();
  });
}

void Vm::die_of(const std::string& error_class, const std::string& message, const std::string& context) {
  std::string headline = error_class + (message.empty() ? "" : ": " + message);
  write_debug_log(debug_log_, headline, context, state_.version_string);
  std::fprintf(stderr, "%s\n%s\n", headline.c_str(), context.c_str());
  std::fflush(stdout);
  std::fflush(stderr);
  _exit(1);
}

EvalOutcome Vm::evaluate(const std::string& source) {
  std::lock_guard<std::mutex> lock(image_mu_);
  EvalOutcome out;
  std::string first = source.substr(0, source.find_first_of("\r\n"));
  auto failed = [&](const std::string& what) {
    out.ok = false;
    out.print = fmt::format("a NeoConsoleEvalCommand({}) failed with {}\nUndefinedObject>>DoIt\nOpalCompiler>>evaluate\nNeoConsoleEvalCommand>>execute", first, what);
  };
  try {
    Value v = interpreter_.evaluate(source);
    out.ok = true;
    out.print = print_string(v);
    out.describe = {"self: " + out.print, "class: " + class_name_of(v)};
    if (v.kind == Value::Kind::Number && v.number.kind() == Number::Kind::Fraction) {
      out.describe.push_back("numerator: " + v.number.numerator().to_string());
      out.describe.push_back("denominator: " + v.number.denominator().to_string());
    }
    if (v.kind == Value::Kind::String && v.text.size() <= 20)
      for (size_t i = 0; i < v.text.size(); ++i) out.describe.push_back(fmt::format("{}: ${}", i + 1, v.text[i]));
    if (v.kind == Value::Kind::Array && v.elems->size() <= 20)
      for (size_t i = 0; i < v.elems->size(); ++i) out.describe.push_back(fmt::format("{}: {}", i + 1, print_string((*v.elems)[i])));
  } catch (const SyntaxError& e) {
    failed(fmt::format("SyntaxErrorNotification: {} (line {})", e.what(), e.line));
  } catch (const SmalltalkError& e) {
    failed(e.what());
  } catch (const Unsupported& e) {
    failed(fmt::format("Error: pharo-sim cannot evaluate this ({})", e.what()));
  }
  return out;
}

void Vm::save_image() { save_as(image_path_); }

void Vm::halt() { quit(0); }

void Vm::set_slow_start(double seconds) {
  std::lock_guard<std::recursive_mutex> lock(state_mu_);
  state_.data["simSlowStart"] = seconds;
  write_image(image_path_, state_);
}

std::string Vm::add_method(const std::string& class_name, const std::string& source) {
  std::string selector = source.substr(0, source.find_first_of("\r\n"));
  std::string trimmed;
  for (char c : selector)
    if (c != ' ' || !trimmed.empty()) trimmed += c;
  if (trimmed.empty()) return "Error: no method source";
  std::lock_guard<std::recursive_mutex> lock(state_mu_);
  state_.data["methods"][class_name + ">>" + trimmed.substr(0, trimmed.find(' '))] = source;
  return "#" + trimmed.substr(0, trimmed.find(' '));
}

std::string Vm::show(const std::string& what) {
  std::lock_guard<std::recursive_mutex> lock(state_mu_);
  size_t sep = what.find(">>");
  if (sep != std::string::npos) {
    std::string key = what.substr(0, sep) + ">>" + (what.size() > sep + 2 && what[sep + 2] == '#' ? what.substr(sep + 3) : what.substr(sep + 2));
    auto methods = state_.data.value("methods", nlohmann::json::object());
    if (methods.contains(key)) return methods[key].get<std::string>();
    return fmt::format("method not found: {}", what);
  }
  return fmt::format("Object subclass: #{}\n\tinstanceVariableNames: ''\n\tclassVariableNames: ''\n\tpackage: '{}'", what,
                     "pharo-sim (class definitions are not simulated)");
}

std::vector<std::string> Vm::process_names() {
  std::vector<std::string> names = {"Idle Process", "Delay Scheduling Process", "WeakArray Finalization Process",
                                    "Low Space Watcher", "Input Event Fetcher Process", "CommandLine handler process"};
  std::lock_guard<std::mutex> lock(servers_mu_);
  for (int p : telnet_ports_) names.push_back(fmt::format("NeoConsoleTelnetServer port {}", p));
  for (int p : metrics_ports_) names.push_back(fmt::format("ZnManagingMultiThreadedServer HTTP port {}", p));
  for (int p : http_ports_) names.push_back(fmt::format("ZnManagingMultiThreadedServer HTTP port {}", p));
  return names;
}

std::vector<std::string> Vm::mc_versions() {
  std::vector<std::string> out;
  std::lock_guard<std::recursive_mutex> lock(state_mu_);
  for (const auto& b : state_.data.value("baselines", nlohmann::json::array())) out.push_back("BaselineOf" + b.value("name", "") + "-pharo-sim.1");
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace sim
