#include "net/http_answer.hpp"

#include <fmt/format.h>

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

using State = HttpAnswer::State;

// Feeds `bytes` in pieces of `piece` bytes; the state after the last (and, with `close`, after
// the peer closed), or Malformed as soon as it is.
State feed_in_pieces(HttpAnswer& a, std::string_view bytes, size_t piece, bool close = false) {
  State s = State::Incomplete;
  for (size_t at = 0; at < bytes.size(); at += piece) {
    if (s == State::Malformed) return s;
    EXPECT_EQ(s, State::Incomplete) << "complete before byte " << at;
    s = a.feed(bytes.substr(at, piece));
  }
  return close ? a.close() : s;
}

// A chunked answer of `chunks` chunks of the sizes 1, 2, ... 97, 1, 2 ...; `body` gets what it
// decodes to.
std::string chunked(int chunks, std::string& body) {
  std::string raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n";
  for (int i = 0; i < chunks; ++i) {
    std::string data(static_cast<size_t>(i % 97 + 1), static_cast<char>('a' + i % 26));
    raw += fmt::format("{:x};ext=1\r\n{}\r\n", data.size(), data);
    body += data;
  }
  return raw + "0\r\nX-Trailer: yes\r\n\r\n";
}

TEST(HttpAnswer, AnAnswerInOneBytePiecesIsTheSameAsInOne) {
  std::string raw = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-Thing:  a b \r\n\r\nhello world";
  for (size_t piece : {raw.size(), size_t{1}, size_t{3}}) {
    HttpAnswer a(false);
    ASSERT_EQ(feed_in_pieces(a, raw, piece), State::Complete) << piece;
    HttpResponse r = a.take();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "hello world");
    EXPECT_EQ(r.headers["x-thing"], "a b");
  }
}

TEST(HttpAnswer, LargeChunkedAnswerInSmallPiecesIsDecodedWhole) {
  std::string body;
  std::string raw = chunked(100000, body);  // about 5 MB in 100000 chunks
  ASSERT_GT(body.size(), 4'000'000u);
  for (size_t piece : {size_t{7}, size_t{1500}, size_t{65536}}) {
    HttpAnswer a(false);
    ASSERT_EQ(feed_in_pieces(a, raw, piece), State::Complete) << piece;
    HttpResponse r = a.take();
    EXPECT_EQ(r.body.size(), body.size());
    EXPECT_TRUE(r.body == body) << piece;
    EXPECT_EQ(r.headers["content-type"], "text/plain");
  }
}

TEST(HttpAnswer, ChunkedNeedsItsLastEmptyLine) {
  HttpAnswer a(false);
  EXPECT_EQ(a.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX: y\r\n"), State::Incomplete);
  EXPECT_EQ(a.feed("\r\n"), State::Complete);
  EXPECT_EQ(a.take().body, "hello");
}

TEST(HttpAnswer, BadFramingIsMalformed) {
  for (std::string_view raw : {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX",
                               "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                               "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", "SSH-2.0-OpenSSH_9.2\r\n",
                               "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n"}) {
    HttpAnswer a(false);
    EXPECT_EQ(feed_in_pieces(a, raw, 1), State::Malformed) << raw;
  }
}

TEST(HttpAnswer, WithoutLengthTheBodyEndsWithTheConnection) {
  HttpAnswer a(false);
  EXPECT_EQ(feed_in_pieces(a, "HTTP/1.0 200 OK\r\n\r\nall of it", 2), State::Incomplete);
  EXPECT_EQ(a.close(), State::Complete);
  EXPECT_EQ(a.take().body, "all of it");
  HttpAnswer short_one(false);
  EXPECT_EQ(feed_in_pieces(short_one, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this", 4, true),
            State::Incomplete);
}

TEST(HttpAnswer, HeadAnd204HaveNoBody) {
  HttpAnswer head(true);
  EXPECT_EQ(head.feed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"), State::Complete);
  HttpAnswer none(false);
  EXPECT_EQ(none.feed("HTTP/1.1 204 No Content\r\n\r\n"), State::Complete);
}

}  // namespace
}  // namespace pharoctl
