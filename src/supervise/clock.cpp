#include "supervise/clock.hpp"

#include <ctime>
#include <cstdio>

#include <fmt/format.h>

namespace pharoctl {

namespace {

std::tm local_tm(WallTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::localtime_r(&secs, &tm);
  return tm;
}

int millis_of(WallTime t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  return static_cast<int>(ms < 0 ? ms + 1000 : ms);
}

}  // namespace

std::optional<std::chrono::milliseconds> wall_offset_for(const std::string& text, WallTime now) {
  std::tm tm{};
  int ms = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6)
    return std::nullopt;
  if (static_cast<size_t>(consumed) != text.size()) {
    if (std::sscanf(text.c_str() + consumed, ".%3d", &ms) != 1) return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  tm.tm_isdst = -1;
  std::time_t target = ::mktime(&tm);
  if (target == static_cast<std::time_t>(-1)) return std::nullopt;
  auto wanted = std::chrono::system_clock::from_time_t(target) + std::chrono::milliseconds(ms);
  return std::chrono::ceil<std::chrono::milliseconds>(wanted - now);
}

std::string format_local_timestamp(WallTime t) {
  std::tm tm = local_tm(t);
  long off = tm.tm_gmtoff / 60;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{}{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis_of(t), sign, off / 60, off % 60);
}

std::string format_local_date(WallTime t) {
  std::tm tm = local_tm(t);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string format_utc_timestamp(WallTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, millis_of(t));
}

}  // namespace pharoctl
