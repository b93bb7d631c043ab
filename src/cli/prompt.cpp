#include "cli/prompt.hpp"

#include "util/failure.hpp"

namespace pharoctl::cli {

std::string Prompter::ask(const std::string& question, const std::string& default_value, const Check& check) {
  while (true) {
    out_ << question << " [" << default_value << "]: " << std::flush;
    std::string line;
    if (!std::getline(in_, line)) {
      out_ << "\n";
      throw usage_error("new: the input ended before every question was answered (nothing written)");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // Leading and trailing blanks are never meant.
    line.erase(0, line.find_first_not_of(" \t"));
    if (auto last = line.find_last_not_of(" \t"); last != std::string::npos) line.erase(last + 1);
    else line.clear();
    std::string answer = line.empty() ? default_value : line;
    std::string why = check ? check(answer) : "";
    if (why.empty()) return answer;
    out_ << "  not accepted: " << why << "\n";
  }
}

}  // namespace pharoctl::cli
