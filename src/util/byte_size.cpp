#include "util/byte_size.hpp"

#include <cctype>

#include <fmt/format.h>

namespace pharoctl {

bool parse_byte_size(const std::string& text, std::uint64_t& bytes) {
  size_t i = 0;
  std::uint64_t n = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (n > (UINT64_MAX - 9) / 10) return false;
    n = n * 10 + static_cast<std::uint64_t>(text[i] - '0');
    ++i;
  }
  if (i == 0) return false;
  std::string unit = text.substr(i);
  for (auto& ch : unit) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  int shift;
  if (unit == "B")
    shift = 0;
  else if (unit == "KB" || unit == "KIB" || unit == "K")
    shift = 10;
  else if (unit == "MB" || unit == "MIB" || unit == "M")
    shift = 20;
  else if (unit == "GB" || unit == "GIB" || unit == "G")
    shift = 30;
  else if (unit == "TB" || unit == "TIB" || unit == "T")
    shift = 40;
  else
    return false;
  if (shift > 0 && n > (UINT64_MAX >> shift)) return false;
  bytes = n << shift;
  return true;
}

std::string format_byte_size(std::uint64_t bytes) {
  static const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (u < 4 && bytes != 0 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++u;
  }
  return fmt::format("{}{}", bytes, units[u]);
}

}  // namespace pharoctl
