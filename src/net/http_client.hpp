#pragma once
// HTTP for loopback endpoints (NeoConsole metrics, health URLs). Two halves in two files: the
// URL parsing, address resolution and request text here (http_client.cpp) are all the
// supervisor's non-blocking health probe takes, so it stays lean; http_request, the CLI's
// blocking client (http_request.cpp), parses the answer strictly, so that a malformed answer
// (bad chunked framing, short body) is an error rather than a silent truncation. Downloads
// (https, redirects, resuming) are libcurl's: runtime/download.cpp.
#include <chrono>
#include <netdb.h>

#include <map>
#include <memory>
#include <string>

namespace pharoctl {

struct HttpUrl {
  std::string host;  // as written: 127.0.0.1, localhost, ::1
  int port = 80;
  std::string path = "/";
};

// Parses http://HOST:PORT/PATH; returns false when it is not such a URL.
bool parse_http_url(const std::string& url, HttpUrl& out);

// getaddrinfo for a TCP connection to the URL's host and port: the address list, or nullptr
// with `error` saying why.
using AddressList = std::unique_ptr<addrinfo, void (*)(addrinfo*)>;
AddressList resolve_tcp(const HttpUrl& url, std::string& error);

// The bytes of a one-shot request: request line, Host, User-Agent, Connection: close.
std::string format_http_request(const std::string& method, const HttpUrl& url, const std::string& user_agent);

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// One request, a deadline over the whole exchange, no redirects, answers up to 64 MiB. Throws
// Failure(kExitFailed) "URL: reason" (refused, timed out, malformed answer).
HttpResponse http_request(const std::string& method, const std::string& url, std::chrono::milliseconds timeout);
inline HttpResponse http_get(const std::string& url, std::chrono::milliseconds timeout) {
  return http_request("GET", url, timeout);
}

}  // namespace pharoctl
