#include "transcript.hpp"

#include <ctime>

#include "clock_text.hpp"

namespace sim {

Transcript::~Transcript() {
  if (file_) std::fclose(file_);
}

void Transcript::install(const std::string& pattern) {
  std::lock_guard<std::mutex> lock(mu_);
  pattern_ = pattern;
}

void Transcript::show(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pattern_.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return;
  }
  std::string name = pattern_;
  size_t p = name.find("{1}");
  if (p != std::string::npos) name.replace(p, 3, clock_text::day_stamp(std::time(nullptr)));
  if (name != open_name_ || !file_) {
    if (file_) std::fclose(file_);
    file_ = std::fopen(name.c_str(), "ae");
    open_name_ = name;
    if (!file_) return;
  }
  std::fwrite(text.data(), 1, text.size(), file_);
  std::fflush(file_);
}

}  // namespace sim
