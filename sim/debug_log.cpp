#include "debug_log.hpp"

#include <fmt/format.h>

#include <ctime>
#include <fstream>

#include "clock_text.hpp"

namespace sim {

void write_debug_log(const std::string& file, const std::string& headline, const std::string& context, const std::string& image_version) {
  std::ofstream out(file, std::ios::app);
  std::time_t now = std::time(nullptr);
  out << "THERE_BE_DRAGONS_HERE\n"
      << headline << "\n"
      << clock_text::date_text(now) << " " << clock_text::time_text(now) << "\n\n"
      << "VM: unix - x86_64 - linux-gnu - pharo-sim\n"
      << "Image: " << image_version << "\n\n"
      << context << "\n"
      << "UndefinedObject>>DoIt\n"
      << "OpalCompiler>>evaluate\n"
      << "STCommandLineHandler>>handleArgument:\n\n"
      << "--- The full stack ---\n"
      << "(pharo-sim keeps no Smalltalk stack)\n"
      << "-------------------------------------------------------------------------------\n\n";
}

}  // namespace sim
