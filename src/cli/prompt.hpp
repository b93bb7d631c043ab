#pragma once
// Asking questions on a terminal, scaffold.sh style: each question shows its default, an empty
// answer takes it, a bad answer is refused with the reason and asked again.
#include <functional>
#include <istream>
#include <ostream>
#include <string>

namespace pharoctl::cli {

class Prompter {
 public:
  // check: "" when the answer is fine, else why not.
  using Check = std::function<std::string(const std::string&)>;

  Prompter(std::istream& in, std::ostream& out) : in_(in), out_(out) {}

  // Throws Failure(kExitUsage) when the input ends before an acceptable answer.
  std::string ask(const std::string& question, const std::string& default_value, const Check& check);

 private:
  std::istream& in_;
  std::ostream& out_;
};

}  // namespace pharoctl::cli
