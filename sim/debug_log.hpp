#pragma once
// PharoDebug.log: what a headless image appends when an unhandled error ends it.
#include <string>

namespace sim {

void write_debug_log(const std::string& file, const std::string& headline, const std::string& context, const std::string& image_version);

}  // namespace sim
