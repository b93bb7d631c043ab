#pragma once
// A clock tests move by hand.
#include "supervise/clock.hpp"

namespace pharoctl {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(WallTime wall) : wall_(wall) {}
  SteadyTime steady() const override { return steady_; }
  WallTime wall() const override { return wall_; }
  void advance(std::chrono::nanoseconds d) {
    steady_ += d;
    wall_ += d;
  }

 private:
  SteadyTime steady_{std::chrono::hours(1000)};
  WallTime wall_;
};

}  // namespace pharoctl
