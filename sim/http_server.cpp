#include "http_server.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

#include "faults.hpp"
#include "net.hpp"

namespace sim {
namespace {
const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 500: return "Internal Server Error";
    default: return "Unknown";
  }
}

std::string http_date() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

void serve(int fd, Faults& faults, const std::function<HttpAnswer(const HttpRequest&)>& handler) {
  Connection conn(fd, std::chrono::seconds(30));
  while (true) {
    auto request_line = conn.read_line();
    if (!request_line) return;
    if (request_line->empty()) continue;
    faults.block_if_hung();
    bool keep_alive = true;
    size_t content_length = 0;
    while (true) {
      auto header = conn.read_line();
      if (!header) return;
      if (header->empty()) break;
      std::string lower = *header;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.rfind("connection:", 0) == 0 && lower.find("close") != std::string::npos) keep_alive = false;
      if (lower.rfind("content-length:", 0) == 0) content_length = static_cast<size_t>(std::atoll(lower.c_str() + 15));
    }
    if (content_length && !conn.read_bytes(content_length)) return;
    HttpRequest req;
    size_t sp1 = request_line->find(' ');
    size_t sp2 = request_line->find(' ', sp1 == std::string::npos ? 0 : sp1 + 1);
    HttpAnswer answer;
    if (sp1 == std::string::npos || sp2 == std::string::npos) {
      answer = {400, "text/plain;charset=utf-8", "Bad Request\r\n"};
      keep_alive = false;
    } else {
      req.method = request_line->substr(0, sp1);
      req.path = request_line->substr(sp1 + 1, sp2 - sp1 - 1);
      if (request_line->substr(sp2 + 1) == "HTTP/1.0") keep_alive = false;
      faults.block_if_hung();
      if (faults.health() == Health::Http500)
        answer = {500, "text/plain;charset=utf-8", "Internal Server Error: pharo-sim is unhealthy (sim.unhealthy)\r\n"};
      else
        answer = handler(req);
    }
    std::string head = fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nDate: {}\r\nServer: Zinc HTTP Components 1.0 (pharo-sim)\r\n{}\r\n",
                                   answer.status, reason(answer.status), answer.content_type, answer.body.size(),
                                   http_date(), keep_alive ? "" : "Connection: close\r\n");
    if (!write_all(fd, req.method == "HEAD" ? head : head + answer.body)) return;
    if (!keep_alive) return;
  }
}
}  // namespace

HttpAnswer http_not_found(const std::string& path) { return {404, "text/plain;charset=utf-8", "Not Found " + path + "\r\n"}; }

void start_http_server(int port, const std::string& bind, Faults& faults,
                       std::function<HttpAnswer(const HttpRequest&)> handler) {
  int fd = listen_tcp(bind.empty() ? "0.0.0.0" : bind, port);
  start_accept_loop(fd, [&faults, handler](int conn) {
    faults.block_if_hung();
    serve(conn, faults, handler);
  });
}

}  // namespace sim
