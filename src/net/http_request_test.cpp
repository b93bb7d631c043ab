#include <gtest/gtest.h>

#include "net/http_client.hpp"
#include "net/loopback_test_server.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace {

// Answers the first request with fixed bytes.
class OneShotServer : public test_support::LoopbackServer {
 public:
  using LoopbackServer::LoopbackServer;
  std::string url() const { return LoopbackServer::url("/metrics/x"); }
};

std::string failure_of(const std::string& answer, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  OneShotServer s(answer);
  try {
    http_get(s.url(), timeout);
  } catch (const Failure& f) {
    EXPECT_EQ(f.exit_code(), kExitFailed);
    return f.what();
  }
  return "";
}

TEST(HttpRequest, ChunkedBodyDecoded) {
  OneShotServer s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Thing: a b\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  HttpResponse r = http_get(s.url(), std::chrono::seconds(5));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello world");
  EXPECT_EQ(r.headers["x-thing"], "a b");
}

TEST(HttpRequest, LargeChunkedAnswerArrivesWhole) {
  std::string raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string body;
  for (int i = 0; i < 20000; ++i) {
    std::string data(200, static_cast<char>('a' + i % 26));
    raw += "c8\r\n" + data + "\r\n";
    body += data;
  }
  OneShotServer s(raw + "0\r\n\r\n");
  HttpResponse r = http_get(s.url(), std::chrono::seconds(20));
  EXPECT_EQ(r.body.size(), body.size());
  EXPECT_TRUE(r.body == body);
}

TEST(HttpRequest, MalformedChunkedIsAnErrorNotATruncation) {
  EXPECT_NE(failure_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n"), "");
  // The peer closes before the last chunk.
  EXPECT_NE(failure_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nshort"), "");
}

TEST(HttpRequest, ShortBodyAndNonHttpAreErrors) {
  EXPECT_NE(failure_of("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"), "");
  EXPECT_NE(failure_of("SSH-2.0-OpenSSH_9.2\r\n"), "");
  // A server that never answers (a hung VM): the timeout's error, not a wait of 5 s here.
  EXPECT_NE(failure_of("", std::chrono::milliseconds(100)), "");
}

TEST(HttpRequest, ErrorStatusIsAnAnswer) {
  OneShotServer s("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\ndown");
  HttpResponse r = http_get(s.url(), std::chrono::seconds(5));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "down");
}

TEST(HttpRequest, RefusedSaysSo) {
  int port = test_support::LoopbackServer::refused_port();
  try {
    http_get("http://127.0.0.1:" + std::to_string(port) + "/", std::chrono::seconds(5));
    FAIL();
  } catch (const Failure& f) {
    EXPECT_NE(std::string(f.what()).find("Connection refused"), std::string::npos) << f.what();
  }
  EXPECT_THROW(http_get("https://example.invalid/", std::chrono::seconds(1)), Failure);
}

}  // namespace
}  // namespace pharoctl
