#include "render/nginx.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

namespace pharoctl {

namespace {

bool any_of_chars(const std::string& s, std::string_view bad) {
  return std::any_of(s.begin(), s.end(), [&](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || bad.find(c) != std::string_view::npos;
  });
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool valid_port(std::string_view s) { return all_digits(s) && std::stoi(std::string(s)) >= 1 && std::stoi(std::string(s)) <= 65535; }

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::vector<std::string> listen_values(const NginxOptions& o) {
  std::vector<std::string> values = o.listen;
  if (values.empty()) values = o.tls_snippet.empty() ? std::vector<std::string>{"80", "[::]:80"}
                                                     : std::vector<std::string>{"443", "[::]:443"};
  if (!o.tls_snippet.empty()) {
    for (auto& v : values) {
      auto w = words(v);
      if (std::find(w.begin(), w.end(), "ssl") == w.end()) v = w[0] + " ssl" + v.substr(w[0].size());
    }
  }
  return values;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

}  // namespace

std::string check_nginx_listen(const std::string& value) {
  const char* right = "(expected PORT, ADDRESS:PORT or [IPV6]:PORT, optionally followed by ssl, default_server, "
                      "reuseport, proxy_protocol or ipv6only=on|off)";
  auto w = words(value);
  if (w.empty()) return fmt::format("is empty {}", right);
  if (std::any_of(w.begin(), w.end(), [](const std::string& x) { return any_of_chars(x, ";{}#\"'\\$`"); }))
    return fmt::format("\"{}\" holds a character nginx would read as syntax {}", value, right);
  const std::string& addr = w[0];
  bool ok = valid_port(addr);
  if (!ok && addr.front() == '[') {
    auto close = addr.find("]:");
    ok = close != std::string::npos && close > 1 && valid_port(std::string_view(addr).substr(close + 2)) &&
         std::all_of(addr.begin() + 1, addr.begin() + static_cast<long>(close),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; });
  } else if (!ok) {
    auto colon = addr.rfind(':');
    ok = colon != std::string::npos && colon > 0 && valid_port(std::string_view(addr).substr(colon + 1)) &&
         std::all_of(addr.begin(), addr.begin() + static_cast<long>(colon), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '*';
         });
  }
  if (!ok) return fmt::format("\"{}\" is not an address nginx listens on {}", addr, right);
  for (size_t i = 1; i < w.size(); ++i) {
    static const std::vector<std::string> params = {"ssl", "default_server", "reuseport", "proxy_protocol",
                                                    "ipv6only=on", "ipv6only=off", "http2"};
    if (std::find(params.begin(), params.end(), w[i]) == params.end())
      return fmt::format("\"{}\" is not a listen parameter pharoctl writes {}", w[i], right);
  }
  return "";
}

std::string check_nginx_server_name(const std::string& value) {
  const char* right = "(expected a host name such as shop.example.com, *.example.com or .example.com; "
                      "regular expressions are not written by pharoctl)";
  if (value.empty()) return fmt::format("is empty {}", right);
  if (value == "_")
    return "\"_\" is the catch-all name of Debian's stock default site; two servers with it on one port conflict "
           "and nginx ignores the second (give the host name clients use)";
  if (any_of_chars(value, ";{}#\"'\\$`")) return fmt::format("\"{}\" holds a character nginx would read as syntax {}", value, right);
  if (!std::all_of(value.begin(), value.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '*' || c == '_';
      }))
    return fmt::format("\"{}\" is not a host name {}", value, right);
  return "";
}

std::string check_nginx_include_path(const std::string& value) {
  if (value.empty()) return "is empty (expected the path of an nginx snippet with ssl_certificate and ssl_certificate_key)";
  if (any_of_chars(value, ";{}#\"'\\$`"))
    return fmt::format("\"{}\" holds a space or a character nginx would read as syntax (use a plain path)", value);
  return "";
}

std::string nginx_upstream_name(const ServiceConfig& config) {
  std::string name = "pharoctl_" + config.name;
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

std::string render_nginx_upstream(const ServiceConfig& config, const NginxOptions& options) {
  const std::string name = nginx_upstream_name(config);
  std::string out = fmt::format("upstream {} {{\n", name);
  if (options.sticky) {
    // A client's route key maps to one instance; `consistent` (ketama) keeps the others'
    // clients where they are when one instance is away. nginx allows no backup servers with
    // hash, so no instance is ever marked failed (max_fails=0): a request for a restarting
    // instance costs a refused connection on loopback, then goes to the next one.
    out += fmt::format("    hash ${}_route consistent;\n", name);
    for (int i = 0; i < config.instances; ++i)
      out += fmt::format("    server 127.0.0.1:{} max_fails=0;\n", config.http_port(i));
    out += "    keepalive 16;\n}\n";
    return out;
  }
  for (int i = 0; i < config.instances; ++i) {
    out += fmt::format("    server 127.0.0.1:{} max_fails={} fail_timeout={}s;\n", config.http_port(i),
                       options.max_fails, options.fail_timeout_s);
  }
  // The same instances again as backups that are never marked failed (max_fails=0): when every
  // primary is marked (the instance restarted first is back but still inside its fail_timeout
  // while the next one restarts), nginx tries these instead of answering 502 "no live upstreams"
  // (seen with real nginx 1.22 and primaries alone).
  if (config.instances > 1) {
    for (int i = 0; i < config.instances; ++i) {
      out += fmt::format("    server 127.0.0.1:{} backup max_fails=0;\n", config.http_port(i));
    }
  }
  out += "    keepalive 16;\n}\n";
  return out;
}

std::string render_nginx_site(const ServiceConfig& config, const ServicePaths& paths, const NginxOptions& options) {
  const std::string name = nginx_upstream_name(config);
  std::string out = fmt::format(
      "# nginx front for the Pharo service {}: {} instance(s).\n"
      "# Generated by `pharoctl export nginx {}` from {}; rewritten on export, edit service.toml\n"
      "# and the export options (--listen, --server-name, --sticky, --tls) instead.\n\n",
      config.name, config.instances, config.name, paths.service_toml().string());
  // WebSocket: pass the client's Upgrade on; without one, an empty Connection keeps the
  // upstream connection alive (keepalive).
  out += fmt::format(
      "map $http_upgrade ${0}_connection {{\n"
      "    default upgrade;\n"
      "    ''      '';\n"
      "}}\n\n",
      name);
  if (options.sticky) {
    // The route key: the route cookie when the client has one, else its address. The first
    // answer sets the cookie to that address, so the client stays on the instance its first
    // request went to even when its address changes (mobile, NAT pools), and a client without
    // cookies still stays put as long as its address does.
    out += fmt::format(
        "# Sticky sessions (--sticky): each client stays on one instance, for Seaside sessions.\n"
        "map $cookie_{0}_route ${0}_route {{\n"
        "    ''      $remote_addr;\n"
        "    default $cookie_{0}_route;\n"
        "}}\n"
        "map $cookie_{0}_route ${0}_set_route {{\n"
        "    ''      \"{0}_route=$remote_addr; Path=/; HttpOnly; SameSite=Lax\";\n"
        "    default '';\n"
        "}}\n\n",
        name);
  }
  out += render_nginx_upstream(config, options);
  out += "\nserver {\n";
  for (const auto& l : listen_values(options)) out += fmt::format("    listen {};\n", l);
  out += fmt::format("    server_name {};\n", joined(options.server_names));
  if (!options.tls_snippet.empty()) {
    out += fmt::format("    include {};\n", options.tls_snippet);
  }
  // Idempotent requests meeting a restarting instance go to the next one; non-idempotent ones
  // (POST...) are retried only if nothing was sent yet, which is nginx's default rule.
  out += fmt::format(
      "\n"
      "    location / {{\n"
      "        proxy_pass http://{0};\n"
      "        proxy_http_version 1.1;\n"
      "        proxy_set_header Upgrade $http_upgrade;\n"
      "        proxy_set_header Connection ${0}_connection;\n"
      "        proxy_set_header Host $host;\n"
      "        proxy_set_header X-Real-IP $remote_addr;\n"
      "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
      "        proxy_set_header X-Forwarded-Proto $scheme;\n"
      "        proxy_connect_timeout 2s;\n"
      // An open WebSocket counts as idle after this long without a frame either way.
      "        proxy_read_timeout 60s;\n"
      "        proxy_next_upstream error timeout http_502 http_503 http_504;\n"
      "        proxy_next_upstream_tries {1};\n"
      "        proxy_next_upstream_timeout 10s;\n",
      name, config.instances > 1 ? 2 * config.instances : 0);
  if (options.sticky) out += fmt::format("        add_header Set-Cookie ${}_set_route always;\n", name);
  out += "    }\n}\n";
  if (!options.tls_snippet.empty() && options.listen.empty()) {
    out += fmt::format(
        "\n# Plain HTTP for these names: redirected to https.\n"
        "server {{\n"
        "    listen 80;\n"
        "    listen [::]:80;\n"
        "    server_name {};\n"
        "    return 301 https://$host$request_uri;\n"
        "}}\n",
        joined(options.server_names));
  }
  return out;
}

}  // namespace pharoctl
