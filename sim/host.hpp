#pragma once
// What the interpreter asks of the running image: the side effects of the statements it
// understands. The VM (vm.cpp) implements it with real sockets and files; unit tests use a fake.
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sim {

// What an application's onRequestRespond: block answered (ZnResponse ok: (ZnEntity html: ...)).
struct AppResponse {
  int status = 200;
  std::string content_type;
  std::string body;
};
using AppResponder = std::function<std::optional<AppResponse>(const std::string& method, const std::string& path)>;

struct MetacelloLoad {
  std::string repository;
  std::string baseline;       // without BaselineOf
  std::string configuration;  // ConfigurationOf... loads (old style), without the prefix
  std::vector<std::string> groups;
};

class Host {
 public:
  virtual ~Host() = default;
  virtual void transcript_show(const std::string& text) = 0;
  virtual void transcript_install(const std::string& file_pattern) = 0;
  // Each start answers the server's printString; a port in use raises SmalltalkError.
  virtual std::string telnet_start(int port) = 0;
  virtual std::string metrics_start(int port) = 0;
  // responder: the server's onRequestRespond: block, or empty for Zinc's default page.
  // bind: the dotted address of bindingAddress:, "" for every interface (Zinc's default).
  virtual std::string http_start(int port, const std::string& bind, bool log_to_transcript, AppResponder responder) = 0;
  virtual void http_stop(int port) = 0;
  virtual void metacello_load(const MetacelloLoad& load) = 0;
  virtual bool has_class(const std::string& name) = 0;
  virtual std::string image_version() = 0;
  virtual std::optional<std::string> environment(const std::string& name) = 0;
  virtual void set_epicea(bool enabled) = 0;
  virtual void snapshot(bool save, bool quit) = 0;
  virtual void quit(int code) = 0;
  virtual void file_in(const std::string& path) = 0;
  virtual void set_debug_log_name(const std::string& name) = 0;
  virtual void add_metric(const std::string& name, const std::string& description, std::function<std::string()> reader) = 0;
  virtual void note(const std::string& text) = 0;  // a pharo-sim note on stdout
  virtual void garbage_collect() = 0;
  // Stdio stdout / stderr: straight to the VM's own stream, not the Transcript.
  virtual void stdio_write(int fd, const std::string& text) {
    std::FILE* f = fd == 2 ? stderr : stdout;
    std::fwrite(text.data(), 1, text.size(), f);
    std::fflush(f);
  }
};

}  // namespace sim
