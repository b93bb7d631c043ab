#pragma once
// One line from a descriptor, waiting for it with poll(2) up to a deadline: how the two ends of
// `start`'s starter channel read each other's single line (supervise/service_start.cpp,
// supervise/supervisor.cpp). What follows the newline is not kept.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace pharoctl {

struct LineRead {
  std::optional<std::string> line;  // without its '\n'; none at EOF, an error, the deadline, or past `max`
  bool timed_out = false;           // none because the deadline came
};

LineRead read_line(int fd, std::chrono::steady_clock::time_point deadline, std::size_t max);

}  // namespace pharoctl
