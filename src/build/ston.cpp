#include "build/ston.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl {

namespace {

class Reader {
 public:
  Reader(const std::string& text, const std::string& file) : s_(text), file_(file) {}

  StonValue document() {
    StonValue v = value();
    skip();
    if (pos_ < s_.size()) fail("unexpected text after the value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    int line = 1, col = 1;
    for (size_t i = 0; i < pos_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    throw usage_error(fmt::format("{}:{}:{}: {} (STON, as smalltalkCI reads it)", file_, line, col, what));
  }

  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }

  void skip() {
    for (;;) {
      while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      if (s_.compare(pos_, 2, "//") == 0) {
        size_t nl = s_.find('\n', pos_);
        pos_ = nl == std::string::npos ? s_.size() : nl;
      } else if (s_.compare(pos_, 2, "/*") == 0) {
        size_t end = s_.find("*/", pos_ + 2);
        if (end == std::string::npos) fail("comment /* without */");
        pos_ = end + 2;
      } else {
        return;
      }
    }
  }

  void expect(char c) {
    skip();
    if (peek() != c) fail(fmt::format("expected '{}'", c));
    ++pos_;
  }

  static bool symbol_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '.' || c == '/' || c == '-';
  }

  std::string quoted(char quote) {
    ++pos_;  // the opening quote
    std::string out;
    for (;;) {
      if (pos_ >= s_.size()) fail("string without its closing quote");
      char c = s_[pos_++];
      if (c == quote) return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) fail("string without its closing quote");
      char e = s_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          if (pos_ + 4 > s_.size() ||
              !std::all_of(s_.begin() + static_cast<std::ptrdiff_t>(pos_), s_.begin() + static_cast<std::ptrdiff_t>(pos_ + 4),
                           [](char h) { return std::isxdigit(static_cast<unsigned char>(h)) != 0; })) {
            fail("\\u needs four hex digits");
          }
          unsigned long cp = std::stoul(s_.substr(pos_, 4), nullptr, 16);
          pos_ += 4;
          if (cp < 0x80) {
            out += static_cast<char>(cp);
          } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
          } else {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
          }
          break;
        }
        default: out += e; break;  // \' \" \\ \/
      }
    }
  }

  StonValue value() {
    skip();
    StonValue v;
    char c = peek();
    if (c == '\0') fail("expected a value, found the end of the file");
    if (c == '\'' || c == '"') {
      v.kind = StonValue::Kind::String;
      v.text = quoted(c);
      return v;
    }
    if (c == '#') {
      ++pos_;
      v.kind = StonValue::Kind::Symbol;
      if (peek() == '\'' || peek() == '"') {
        v.text = quoted(peek());
        return v;
      }
      size_t start = pos_;
      while (pos_ < s_.size() && symbol_char(s_[pos_])) ++pos_;
      if (pos_ == start) fail("# without a symbol name");
      v.text = s_.substr(start, pos_ - start);
      return v;
    }
    if (c == '{') return map(v);
    if (c == '[') return list(v);
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      size_t start = pos_++;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' ||
                                  s_[pos_] == '-' || s_[pos_] == '+')) {
        ++pos_;
      }
      v.kind = StonValue::Kind::Number;
      v.text = s_.substr(start, pos_ - start);
      return v;
    }
    if (c == '@') fail("object references (@N) are not supported here");
    if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t start = pos_;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
      std::string word = s_.substr(start, pos_ - start);
      if (word == "nil") return v;
      if (word == "true" || word == "false") {
        v.kind = StonValue::Kind::Boolean;
        v.text = word;
        return v;
      }
      // Class { ... } or Class [ ... ]: an object of that class.
      skip();
      v.class_name = word;
      if (peek() == '{') return map(v);
      if (peek() == '[') return list(v);
      if (peek() == '(') fail(fmt::format("{}( ... ): objects with a custom representation are not supported here", word));
      fail(fmt::format("{} is not a value: expected {}{{ ... }}, a string, a #symbol, a number, true, false or nil", word, word));
    }
    fail(fmt::format("unexpected '{}'", c));
  }

  StonValue map(StonValue& v) {
    v.kind = StonValue::Kind::Map;
    return sequence(v, '}', "map", [&] {
      StonValue key = value();
      expect(':');
      StonValue val = value();
      v.entries.emplace_back(std::move(key), std::move(val));
    });
  }

  StonValue list(StonValue& v) {
    v.kind = StonValue::Kind::List;
    return sequence(v, ']', "list", [&] { v.items.push_back(value()); });
  }

  // The elements between the opening bracket at pos_ and `close`, separated by commas.
  template <class Element>
  StonValue sequence(StonValue& v, char close, const char* what, Element element) {
    ++pos_;
    skip();
    if (peek() == close) {
      ++pos_;
      return v;
    }
    for (;;) {
      element();
      skip();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == close) {
        ++pos_;
        return v;
      }
      fail(fmt::format("expected ',' or '{}' in a {}", close, what));
    }
  }

  const std::string& s_;
  const std::string& file_;
  size_t pos_ = 0;
};

}  // namespace

const StonValue* StonValue::find(const std::string& key) const {
  for (const auto& [k, v] : entries) {
    if (k.is_text() && k.text == key) return &v;
  }
  return nullptr;
}

StonValue parse_ston(const std::string& text, const std::string& file) { return Reader(text, file).document(); }

}  // namespace pharoctl
