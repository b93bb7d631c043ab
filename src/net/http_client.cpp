#include "net/http_client.hpp"

#include <netdb.h>

#include <algorithm>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl {

bool parse_http_url(const std::string& url, HttpUrl& out) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return false;
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string port_text;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return false;
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return false;
      port_text = authority.substr(close + 2);
    }
  } else {
    size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return false;
  out.port = 80;
  if (!port_text.empty()) {
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(), ::isdigit)) return false;
    out.port = std::stoi(port_text);
    if (out.port < 1 || out.port > 65535) return false;
  }
  return true;
}

AddressList resolve_tcp(const HttpUrl& u, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port = std::to_string(u.port);
  if (int rc = ::getaddrinfo(u.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    error = fmt::format("cannot resolve {}: {}", u.host, ::gai_strerror(rc));
    return AddressList(nullptr, ::freeaddrinfo);
  }
  return AddressList(res, ::freeaddrinfo);
}

std::string format_http_request(const std::string& method, const HttpUrl& u, const std::string& user_agent) {
  std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  return fmt::format("{} {} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: {}\r\nConnection: close\r\n\r\n", method, u.path,
                     host, u.port, user_agent);
}

}  // namespace pharoctl
