#pragma once
// `pharoctl export nginx NAME`: an nginx upstream over the service's instances' HTTP ports and a
// server that proxies to it, written so that a rolling restart drops no request: a request that
// meets a restarting instance (connection refused or reset, timeout, 502-504) is passed to the
// next instance (proxy_next_upstream), and an instance that failed is left alone for a moment
// (passive health: max_fails / fail_timeout).
#include <string>

#include "service/home.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

struct NginxOptions {
  std::string listen = "80";      // what `listen` gets: "80", "127.0.0.1:8000", ...
  std::string server_name = "_";  // nginx's catch-all
  int max_fails = 1;
  int fail_timeout_s = 2;
};

// "pharoctl_<name>" with '-' as '_': the upstream's name.
std::string nginx_upstream_name(const ServiceConfig& config);

// The upstream block alone.
std::string render_nginx_upstream(const ServiceConfig& config, const NginxOptions& options = {});

// The whole file: a header comment, the upstream and a server block proxying to it. It belongs
// in nginx's http context (conf.d/ or sites-enabled/).
std::string render_nginx_site(const ServiceConfig& config, const ServicePaths& paths, const NginxOptions& options = {});

}  // namespace pharoctl
