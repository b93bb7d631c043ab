#pragma once
// `pharoctl export nginx NAME`: an nginx upstream over the service's instances' HTTP ports and a
// server that proxies to it, written so that a rolling restart drops no request: a request that
// meets a restarting instance (connection refused or reset, timeout, 502-504) is passed to the
// next instance (proxy_next_upstream), and an instance that failed is left alone for a moment
// (passive health: max_fails / fail_timeout). WebSocket upgrades pass through; optionally TLS
// (an included snippet with the certificate) and sticky sessions.
#include <string>
#include <vector>

#include "service/home.hpp"
#include "service/service_config.hpp"

namespace pharoctl {

struct NginxOptions {
  // `listen` values ("80", "127.0.0.1:8000", "[::]:443 ssl"); empty: 80 and [::]:80, or 443
  // and [::]:443 with TLS. With TLS, "ssl" is added where missing.
  std::vector<std::string> listen;
  // server_name values; the caller fills in a default (the host's name). Never "_": that is
  // the name of Debian's stock default site, and two servers with it on one port conflict.
  std::vector<std::string> server_names = {"localhost"};
  // Each client stays on one instance: `hash ... consistent` on a route cookie that nginx sets
  // from the client's address at its first request (see render_nginx_upstream).
  bool sticky = false;
  // A file with ssl_certificate / ssl_certificate_key (Debian's snippets/snakeoil.conf, a
  // certbot one...), included in the server; empty: plain HTTP.
  std::string tls_snippet;
  int max_fails = 1;
  int fail_timeout_s = 2;
};

// "pharoctl_<name>" with '-' as '_': the upstream's name, and the prefix of its variables.
std::string nginx_upstream_name(const ServiceConfig& config);

// The upstream block alone.
std::string render_nginx_upstream(const ServiceConfig& config, const NginxOptions& options = {});

// The whole file: a header comment, the maps, the upstream and a server block proxying to it.
// It belongs in nginx's http context (conf.d/ or sites-enabled/).
std::string render_nginx_site(const ServiceConfig& config, const ServicePaths& paths, const NginxOptions& options = {});

// "" when the value can go into the file as it is, else what is wrong (for an error line).
std::string check_nginx_listen(const std::string& value);
std::string check_nginx_server_name(const std::string& value);
std::string check_nginx_include_path(const std::string& value);

}  // namespace pharoctl
