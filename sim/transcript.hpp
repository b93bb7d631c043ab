#pragma once
// The image's Transcript: stdout until NeoConsoleTranscript is installed, then daily files whose
// name has {1} replaced by YYYY-MM-DD, opened for append, relative to the working directory.
// The first write after local midnight goes to the next day's file.
#include <cstdio>
#include <mutex>
#include <string>

namespace sim {

class Transcript {
 public:
  ~Transcript();
  void install(const std::string& pattern);
  void show(const std::string& text);

 private:
  std::mutex mu_;
  std::string pattern_;  // empty: stdout
  std::string open_name_;
  std::FILE* file_ = nullptr;
};

}  // namespace sim
