#include "service/release_id.hpp"

#include <ctime>

#include <fmt/format.h>

namespace pharoctl {

namespace {

std::tm utc(std::chrono::system_clock::time_point when) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return tm;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_key_char(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string make_release_id(std::chrono::system_clock::time_point when, const std::string& build_key, int attempt) {
  std::tm tm = utc(when);
  std::string key;
  for (char c : build_key) {
    if (key.size() == kShortKeyLength) break;
    if (is_key_char(c)) key += c;
  }
  if (key.empty()) key = "nokey";
  std::string id = fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z-{}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                               tm.tm_hour, tm.tm_min, tm.tm_sec, key);
  if (attempt > 1) id += fmt::format("-{}", attempt);
  return id;
}

bool is_release_id(const std::string& name) {
  // 16 characters of time, '-', 1..8 key characters, optionally '-' and digits.
  if (name.size() < 18) return false;
  for (std::size_t i = 0; i < 16; ++i) {
    char c = name[i];
    bool ok = (i == 8) ? c == 'T' : (i == 15) ? c == 'Z' : is_digit(c);
    if (!ok) return false;
  }
  if (name[16] != '-') return false;
  std::size_t i = 17, key = 0;
  while (i < name.size() && is_key_char(name[i])) ++i, ++key;
  if (key == 0 || key > kShortKeyLength) return false;
  if (i == name.size()) return true;
  if (name[i] != '-' || i + 1 == name.size()) return false;
  for (++i; i < name.size(); ++i) {
    if (!is_digit(name[i])) return false;
  }
  return true;
}

std::string release_id_time(const std::string& id) { return id.substr(0, 16); }

int release_id_sequence(const std::string& id) {
  // "<time>-<key>-<n>": the part after the second '-', when there is one.
  auto key_dash = id.find('-');
  if (key_dash == std::string::npos) return 1;
  auto seq_dash = id.find('-', key_dash + 1);
  if (seq_dash == std::string::npos || seq_dash + 1 == id.size() || id.size() - seq_dash > 9) return 1;
  int n = 0;
  for (std::size_t i = seq_dash + 1; i < id.size(); ++i) {
    if (!is_digit(id[i])) return 1;
    n = n * 10 + (id[i] - '0');
  }
  return n;
}

bool release_id_less(const std::string& a, const std::string& b) {
  std::string ta = release_id_time(a), tb = release_id_time(b);
  if (ta != tb) return ta < tb;
  int sa = release_id_sequence(a), sb = release_id_sequence(b);
  if (sa != sb) return sa < sb;
  return a < b;
}

std::string format_utc_iso(std::chrono::system_clock::time_point when) {
  std::tm tm = utc(when);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

}  // namespace pharoctl
