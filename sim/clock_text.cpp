#include "clock_text.hpp"

#include <fmt/format.h>
#include <sys/time.h>

namespace sim::clock_text {
namespace {
std::tm local(std::time_t t) {
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm;
}
const char* const kMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                               "August", "September", "October", "November", "December"};
}  // namespace

std::string iso_timestamp() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  std::tm tm = local(tv.tv_sec);
  long off = tm.tm_gmtoff;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}{}{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, tv.tv_usec, sign, off / 3600, (off % 3600) / 60);
}

std::string date_text(std::time_t t) {
  std::tm tm = local(t);
  return fmt::format("{} {} {}", tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900);
}

std::string time_text(std::time_t t) {
  std::tm tm = local(t);
  int h = tm.tm_hour % 12;
  if (h == 0) h = 12;
  return fmt::format("{}:{:02}:{:02} {}", h, tm.tm_min, tm.tm_sec, tm.tm_hour < 12 ? "am" : "pm");
}

std::string day_stamp(std::time_t t) {
  std::tm tm = local(t);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string human_duration(long long seconds) {
  long long minutes = (seconds + 30) / 60;  // rounded to a minute, as NeoConsole does
  long long days = minutes / 1440, hours = (minutes % 1440) / 60, mins = minutes % 60;
  std::string out;
  auto part = [&](long long n, const char* unit) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += fmt::format("{} {}{}", n, unit, n == 1 ? "" : "s");
  };
  part(days, "day");
  part(hours, "hour");
  part(mins, "minute");
  return out.empty() ? "0 seconds" : out;
}

std::string zinc_log_stamp() {
  std::tm tm = local(std::time(nullptr));
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace sim::clock_text
