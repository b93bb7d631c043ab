#include "net/http_answer.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace pharoctl {

namespace {

bool all_of(std::string_view s, int (*test)(int)) {
  return std::all_of(s.begin(), s.end(), [test](char c) { return test(static_cast<unsigned char>(c)) != 0; });
}

std::string_view trimmed(std::string_view s) {
  size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// The status line and headers of `head` (without the blank line) into `r`.
bool parse_head(std::string_view head, HttpResponse& r) {
  if (head.substr(0, 7) != "HTTP/1." || head.size() < 12 || head[8] != ' ' || !all_of(head.substr(9, 3), ::isdigit))
    return false;
  r.status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
  r.headers.clear();
  for (size_t at = head.find("\r\n"); at != std::string_view::npos && at + 2 < head.size();) {
    size_t end = head.find("\r\n", at + 2);
    std::string_view line = head.substr(at + 2, end == std::string_view::npos ? std::string_view::npos : end - at - 2);
    at = end;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.headers[name] = std::string(trimmed(line.substr(colon + 1)));
  }
  return true;
}

}  // namespace

HttpAnswer::State HttpAnswer::feed(std::string_view bytes) {
  if (state_ != State::Incomplete) return state_;
  buffer_.append(bytes);
  state_ = advance();
  // What is left is a part of a line (or of the head) at most: moving it to the front keeps the
  // buffer small, and each byte is moved about once.
  if (at_ > 0) {
    buffer_.erase(0, at_);
    at_ = 0;
  }
  return state_;
}

HttpAnswer::State HttpAnswer::close() {
  closed_ = true;
  if (state_ == State::Incomplete) state_ = advance();
  return state_;
}

// The next occurrence of `what` after at_, or npos; a search that failed resumes where it
// stopped the next time.
size_t HttpAnswer::find(std::string_view what) {
  size_t from = at_ + (searched_ >= what.size() ? searched_ - (what.size() - 1) : 0);
  size_t pos = buffer_.find(what, from);
  searched_ = pos == std::string::npos ? available() : 0;
  return pos;
}

void HttpAnswer::consume(size_t to) {
  at_ = to;
  searched_ = 0;
}

// Each phase either moves on (nullopt: go on with the next) or stops with where the answer stands.
HttpAnswer::State HttpAnswer::advance() {
  for (;;) {
    std::optional<State> stop;
    switch (phase_) {
      case Phase::head: stop = head(); break;
      case Phase::chunk_size: stop = chunk_size(); break;
      case Phase::chunk_data: stop = body_part(Phase::chunk_end); break;
      case Phase::chunk_end:
        if (available() < 2) return State::Incomplete;
        if (buffer_.compare(at_, 2, "\r\n") != 0) return State::Malformed;
        consume(at_ + 2);
        phase_ = Phase::chunk_size;
        break;
      case Phase::trailer: stop = trailer(); break;
      case Phase::to_length: return body_part(Phase::to_length).value_or(State::Complete);
      case Phase::to_close:
        response_.body.append(buffer_, at_);
        consume(buffer_.size());
        return closed_ ? State::Complete : State::Incomplete;
    }
    if (stop) return *stop;
  }
}

std::optional<HttpAnswer::State> HttpAnswer::head() {
  size_t end = find("\r\n\r\n");
  if (end == std::string::npos) {
    return available() >= 7 && buffer_.compare(at_, 7, "HTTP/1.") != 0 ? State::Malformed : State::Incomplete;
  }
  if (!parse_head(std::string_view(buffer_).substr(at_, end - at_), response_)) return State::Malformed;
  consume(end + 4);
  if (response_.status >= 100 && response_.status < 200) return std::nullopt;  // interim: the real one follows
  if (head_only_ || response_.status == 204 || response_.status == 304) return State::Complete;
  auto te = response_.headers.find("transfer-encoding");
  if (te != response_.headers.end() && te->second.find("chunked") != std::string::npos) {
    phase_ = Phase::chunk_size;
    return std::nullopt;
  }
  auto cl = response_.headers.find("content-length");
  if (cl == response_.headers.end()) {
    phase_ = Phase::to_close;  // the body ends with the connection
    return std::nullopt;
  }
  if (cl->second.empty() || cl->second.size() > 12 || !all_of(cl->second, ::isdigit)) return State::Malformed;
  left_ = std::stoull(cl->second);
  phase_ = Phase::to_length;
  return std::nullopt;
}

std::optional<HttpAnswer::State> HttpAnswer::chunk_size() {
  size_t eol = find("\r\n");
  if (eol == std::string::npos) return State::Incomplete;
  std::string_view text = std::string_view(buffer_).substr(at_, eol - at_);
  text = text.substr(0, text.find(';'));  // chunk extensions
  if (text.empty() || text.size() > 8 || !all_of(text, ::isxdigit)) return State::Malformed;
  left_ = std::stoul(std::string(text), nullptr, 16);
  consume(eol + 2);
  phase_ = left_ == 0 ? Phase::trailer : Phase::chunk_data;
  return std::nullopt;
}

// Trailer lines after the last chunk, up to the empty line that ends the answer.
std::optional<HttpAnswer::State> HttpAnswer::trailer() {
  size_t eol = find("\r\n");
  if (eol == std::string::npos) return State::Incomplete;
  bool last = eol == at_;
  consume(eol + 2);
  if (last) return State::Complete;
  return std::nullopt;
}

// As much of the current chunk (or of a body with a length) as has arrived; once all of it is
// in, on to `then` (a body with a length is then complete: nullopt).
std::optional<HttpAnswer::State> HttpAnswer::body_part(Phase then) {
  size_t n = std::min(left_, available());
  response_.body.append(buffer_, at_, n);
  consume(at_ + n);
  left_ -= n;
  if (left_ > 0) return State::Incomplete;
  phase_ = then;
  return std::nullopt;
}

}  // namespace pharoctl
