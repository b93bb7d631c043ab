#pragma once
// Sim image files: a real 128-byte 64-bit Spur header (format 68021, header size 128, data size
// = file length - 128, the Pharo version at offset 70 for Pharo 11+) followed by the simulated
// image state as JSON.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace sim {

constexpr uint32_t kImageFormat = 68021;
constexpr uint32_t kHeaderSize = 128;

struct ImageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ImageState {
  std::string pharo_version = "130";  // 70, 80, ... 140
  std::string version_string;         // SystemVersion current printString
  nlohmann::json data = nlohmann::json::object();  // baselines, classes, epicea, sim settings...
};

// Throws ImageError with the VM's message when the file is missing or not an image.
ImageState read_image(const std::filesystem::path& path);
// Writes atomically (temp file + rename).
void write_image(const std::filesystem::path& path, const ImageState& state);

// Pharo-13.0.0+SNAPSHOT.build.1553.sha.e9a5c7c (64 Bit) style names for a version like "130".
std::string version_string_for(const std::string& pharo_version);

}  // namespace sim
