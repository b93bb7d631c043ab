#pragma once
// A wait for a file to appear in a directory (created, or renamed into it), on inotify: what a
// client waits on for a server's socket instead of looking again every millisecond. The watch
// is set up by the constructor, so that nothing that happens afterwards is missed: make it
// before whatever creates the file, look, then wait.
#include <chrono>
#include <filesystem>
#include <string>

#include "util/unique_fd.hpp"

namespace pharoctl {

class FileAppears {
 public:
  FileAppears(const std::filesystem::path& dir, std::string name);

  enum class Woke { Appeared, Other, Timeout };
  // Until `name` is created or moved into the directory (Appeared), `other_fd` (when >= 0)
  // becomes readable (Other), or `timeout` passes. Without inotify (its limits reached) it
  // returns Appeared after at most 1 ms, so that the caller simply looks again.
  Woke wait(std::chrono::milliseconds timeout, int other_fd = -1);

 private:
  UniqueFd fd_;
  std::string name_;
};

}  // namespace pharoctl
