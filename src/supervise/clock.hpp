#pragma once
// The supervisor's sense of time, behind an interface so that tests can steer it: `steady`
// drives timers (backoff, grace, probes, stop timeouts), `wall` names log files and stamps
// lines. A real supervisor can be given a shifted wall clock (PHAROCTL_TEST_WALL_CLOCK, see
// docs/supervisor.md) so that a test sees midnight come without waiting for it.
#include <chrono>
#include <optional>
#include <string>

namespace pharoctl {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime steady() const = 0;
  virtual WallTime wall() const = 0;
};

// The system clocks; `wall_offset` is added to the real wall time (zero in production).
class SystemClock final : public Clock {
 public:
  explicit SystemClock(std::chrono::milliseconds wall_offset = std::chrono::milliseconds(0)) : offset_(wall_offset) {}
  SteadyTime steady() const override { return std::chrono::steady_clock::now(); }
  WallTime wall() const override { return std::chrono::system_clock::now() + offset_; }

 private:
  std::chrono::milliseconds offset_;
};

// "YYYY-MM-DDTHH:MM:SS[.mmm]" in local time → the offset that makes the wall clock read that
// now. nullopt when the text is malformed.
std::optional<std::chrono::milliseconds> wall_offset_for(const std::string& local_time, WallTime now);

// Local time as used in log lines: 2026-11-23T10:14:07.118+01:00
std::string format_local_timestamp(WallTime t);
// Local date as used in file names: 2026-11-23
std::string format_local_date(WallTime t);
// UTC, for JSON: 2026-11-23T09:14:07.118Z
std::string format_utc_timestamp(WallTime t);

}  // namespace pharoctl
