#include "deploy/release_id.hpp"

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

std::string format_utc_iso(std::chrono::system_clock::time_point when) {
  std::tm tm = utc(when);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

}  // namespace pharoctl
