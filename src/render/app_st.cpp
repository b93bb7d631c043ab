#include "render/app_st.hpp"

#include <fmt/format.h>

#include "render/smalltalk.hpp"

namespace pharoctl {

std::string render_default_app_st(const ServiceConfig& c) {
  std::string page = fmt::format(
      "<!DOCTYPE html><html><head><title>{0}</title></head><body><h1>Hello from {0}</h1>"
      "<p>A Pharo server run by pharoctl. Edit app.st to make it yours.</p></body></html>",
      c.name);
  return fmt::format(
      "\"app.st: the start code of service {0}. pharoctl never rewrites this file: it is yours.\n"
      " The generated run script (run/run-{0}*.st) evaluates it once NeoConsole's REPL and the daily\n"
      " logs under logs/ are up, and starts NeoConsole's metrics (the health check) once it has run:\n"
      " when it ends, your servers listen. Every instance runs it; PHAROCTL_HTTP_PORT holds the instance's port,\n"
      " PHAROCTL_HTTP_BIND the address of [app].bind in service.toml (127.0.0.1 unless it says otherwise:\n"
      " a ZnServer not told listens on every interface).\"\n"
      "\n"
      "(ZnServer defaultOn: (OSEnvironment current at: 'PHAROCTL_HTTP_PORT' ifAbsent: [ '{1}' ]) asInteger)\n"
      "  bindingAddress: (NetNameResolver addressForName:\n"
      "    (OSEnvironment current at: 'PHAROCTL_HTTP_BIND' ifAbsent: [ '127.0.0.1' ]));\n"
      "  logToTranscript;\n"
      "  onRequestRespond: [ :request |\n"
      "    ZnResponse ok: (ZnEntity html: {2}) ];\n"
      "  start.\n",
      c.name, c.app.http_port, smalltalk_string(page));
}

}  // namespace pharoctl
