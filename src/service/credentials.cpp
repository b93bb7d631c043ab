#include "service/credentials.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "service/home.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"
#include "util/lines.hpp"

namespace pharoctl {

std::map<std::string, std::string> parse_credentials(const std::string& text, const std::string& file) {
  std::map<std::string, std::string> out;
  int line_no = 0;
  for (std::string_view view : split_lines(text)) {
    std::string line(view);
    ++line_no;
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    size_t eq = line.find('=');
    std::string key = eq == std::string::npos ? line : line.substr(0, eq);
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    const auto& keys = credential_keys();
    if (eq == std::string::npos || std::find(keys.begin(), keys.end(), key) == keys.end()) {
      throw usage_error(fmt::format("{}:{}: expected KEY=VALUE with KEY one of {}", file, line_no, fmt::join(keys, ", ")));
    }
    out[key] = line.substr(eq + 1);
  }
  return out;
}

std::map<std::string, std::string> load_credentials(const Home& home) {
  std::map<std::string, std::string> out;
  std::filesystem::path file = home.root() / "credentials";
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) {
    if ((st.st_mode & 077) != 0) {
      throw usage_error(fmt::format("{}: readable by group or others (mode {:04o}); it holds secrets: chmod 600 {}",
                                    file.string(), st.st_mode & 07777, file.string()));
    }
    out = parse_credentials(read_file(file), file.string());
  }
  for (const std::string& key : credential_keys()) {
    if (const char* v = std::getenv(key.c_str()); v && *v) out[key] = v;
  }
  return out;
}

}  // namespace pharoctl
