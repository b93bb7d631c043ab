#include "util/clean_text.hpp"

#include <cstdint>
#include <cstring>
#include <iterator>

#include <fmt/format.h>

#include "util/lines.hpp"

namespace pharoctl {

namespace {

constexpr unsigned char kEsc = 0x1b;

// Length of the escape sequence that starts at s[i] (s[i] == ESC): CSI "ESC [ params
// intermediates final", OSC "ESC ] ... BEL|ESC \", charset selection "ESC ( B", and the two-byte
// forms. A CSI cut short (no final byte before a byte that cannot belong to it, or the end) ends
// where it was cut: the bytes it had are dropped, the rest of the line is kept.
size_t escape_length(std::string_view s, size_t i) {
  size_t n = s.size();
  if (i + 1 >= n) return 1;
  auto c = static_cast<unsigned char>(s[i + 1]);
  if (c == '[') {
    size_t j = i + 2;
    while (j < n && static_cast<unsigned char>(s[j]) >= 0x30 && static_cast<unsigned char>(s[j]) <= 0x3f) ++j;
    while (j < n && static_cast<unsigned char>(s[j]) >= 0x20 && static_cast<unsigned char>(s[j]) <= 0x2f) ++j;
    if (j < n && static_cast<unsigned char>(s[j]) >= 0x40 && static_cast<unsigned char>(s[j]) <= 0x7e) ++j;
    return j - i;
  }
  if (c == ']' || c == 'P' || c == '_' || c == '^') {  // OSC, DCS, APC, PM: up to BEL or ST
    size_t j = i + 2;
    while (j < n) {
      auto d = static_cast<unsigned char>(s[j]);
      if (d == 0x07) return j + 1 - i;
      if (d == kEsc && j + 1 < n && s[j + 1] == '\\') return j + 2 - i;
      if (d == '\n') return j - i;  // never swallow the next line
      ++j;
    }
    return j - i;
  }
  if (c == '(' || c == ')' || c == '*' || c == '+' || c == '#' || c == '%') return i + 2 < n ? 3 : 2;
  if (c >= 0x30 && c <= 0x7e) return 2;  // Fp (ESC 7), Fe (ESC M), Fs (ESC c)
  return 1;  // a lone ESC
}

// Length of a valid UTF-8 sequence at s[i], 0 when the bytes there are not one.
size_t utf8_length(std::string_view s, size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 0;
  if (b >= 0xf5) len = 0;
  if (len == 0 || i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b == 0xe0 && b1 < 0xa0) return 0;   // overlong
  if (b == 0xed && b1 >= 0xa0) return 0;  // surrogates
  if (b == 0xf0 && b1 < 0x90) return 0;   // overlong
  if (b == 0xf4 && b1 >= 0x90) return 0;  // beyond U+10FFFF
  return len;
}

// Where the run of printable ASCII (0x20-0x7e) that starts at s[from] ends: eight bytes at a
// time while no byte of them is below 0x20 or above 0x7e (a word's test is exact: no carry
// crosses bytes that are all under 0x80), then byte by byte. Nearly all of a log line is such a
// run, and copying it in one append instead of a byte at a time was most of the sink's CPU.
size_t plain_run_end(std::string_view s, size_t from) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
    std::uint64_t del_or_high = (w | (w + kOnes)) & kHighs;  // a byte >= 0x7f
    if ((below_space | del_or_high) != 0) break;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) >= 0x20 && static_cast<unsigned char>(s[i]) < 0x7f) ++i;
  return i;
}

void append_clean(std::string& out, std::string_view s, bool keep_newlines) {
  size_t i = 0;
  while (i < s.size()) {
    if (size_t end = plain_run_end(s, i); end > i) {
      out.append(s.data() + i, end - i);
      i = end;
      continue;
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (c == kEsc) {
      i += escape_length(s, i);
    } else if (c == '\t' || (c == '\n' && keep_newlines)) {
      out += static_cast<char>(c);
      ++i;
    } else if (c == '\r' && (i + 1 == s.size() || s[i + 1] == '\n')) {
      ++i;  // CRLF line ends
    } else if (c < 0x20 || c == 0x7f) {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else if (size_t len = utf8_length(s, i)) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
      ++i;
    }
  }
}

}  // namespace

std::string clean_line(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  append_clean(out, raw, false);
  return out;
}

void append_clean_line(std::string& out, std::string_view raw) { append_clean(out, raw, false); }

std::string clean_text(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  append_clean(out, raw, true);
  return out;
}

bool meaningful_line(std::string_view cleaned) {
  return cleaned.find_first_not_of(" \t") != std::string_view::npos;
}

std::vector<std::string> meaningful_lines(std::string_view raw) {
  std::vector<std::string> out;
  for (std::string_view view : split_lines(raw)) {
    std::string line = clean_line(view);
    if (meaningful_line(line)) out.push_back(std::move(line));
  }
  return out;
}

}  // namespace pharoctl
