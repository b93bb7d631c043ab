#pragma once
// A small HTTP/1.1 server on loopback, shaped like Zinc's answers (status line, Content-Type,
// Content-Length, Date, Server), keep-alive for HTTP/1.1, HEAD without a body. Used for the
// NeoConsole metrics server and for the application's ZnServer.
#include <functional>
#include <string>

namespace sim {

class Faults;

struct HttpRequest {
  std::string method;
  std::string path;
};

struct HttpAnswer {
  int status = 200;
  std::string content_type = "text/plain;charset=utf-8";
  std::string body;
};

// Listens on bind:port ("" = every interface, as Zinc without bindingAddress:; throws
// SocketError) and serves on background threads.
void start_http_server(int port, const std::string& bind, Faults& faults, std::function<HttpAnswer(const HttpRequest&)> handler);

// Zinc's 404: "Not Found /path" + CRLF.
HttpAnswer http_not_found(const std::string& path);

}  // namespace sim
