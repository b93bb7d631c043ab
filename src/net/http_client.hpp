#pragma once
// A small HTTP/1.1 client for loopback endpoints (NeoConsole metrics, health URLs): one request
// per connection, a deadline over the whole exchange. Not a general web client: the installer
// uses libcurl for the network.
#include <chrono>
#include <map>
#include <string>

namespace pharoctl {

struct HttpUrl {
  std::string host;  // as written: 127.0.0.1, localhost, ::1
  int port = 80;
  std::string path = "/";
};

// Parses http://HOST:PORT/PATH; returns false when it is not such a URL.
bool parse_http_url(const std::string& url, HttpUrl& out);

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// Throws Failure(kExitFailed) with a one-line reason (refused, timed out, malformed answer).
HttpResponse http_request(const std::string& method, const std::string& url, std::chrono::milliseconds timeout);
inline HttpResponse http_get(const std::string& url, std::chrono::milliseconds timeout) {
  return http_request("GET", url, timeout);
}

}  // namespace pharoctl
