#pragma once
// An HTTP/1.x answer read incrementally: the bytes are given as they arrive and each is looked
// at once (the head searched from where the last search stopped, a chunked body copied chunk by
// chunk), so a large answer in many small reads costs time in proportion to its size. Strict:
// bad chunked framing, a bad length or a non-HTTP answer is Malformed, never a truncation.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_client.hpp"

namespace pharoctl {

class HttpAnswer {
 public:
  enum class State { Incomplete, Complete, Malformed };

  // `head_only`: the answer to a HEAD request, which has no body whatever its headers say.
  explicit HttpAnswer(bool head_only) : head_only_(head_only) {}

  // Bytes that arrived; where the answer stands now.
  State feed(std::string_view bytes);
  // The peer has closed: an answer without a length ends here.
  State close();

  State state() const { return state_; }
  // The answer, once Complete.
  HttpResponse take() { return std::move(response_); }

 private:
  enum class Phase { head, chunk_size, chunk_data, chunk_end, trailer, to_length, to_close };

  State advance();
  std::optional<State> head();
  std::optional<State> chunk_size();
  std::optional<State> trailer();
  std::optional<State> body_part(Phase then);
  size_t find(std::string_view what);
  void consume(size_t to);
  size_t available() const { return buffer_.size() - at_; }

  bool head_only_;
  bool closed_ = false;
  State state_ = State::Incomplete;
  Phase phase_ = Phase::head;
  HttpResponse response_;
  std::string buffer_;  // bytes not yet consumed start at at_
  size_t at_ = 0;
  size_t searched_ = 0;  // bytes after at_ already known to hold no match of the current search
  size_t left_ = 0;      // of the current chunk, or of a body with a length
};

}  // namespace pharoctl
