#include "image_file.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace sim {
namespace {
uint32_t le32(const unsigned char* p) { return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24; }
uint64_t le64(const unsigned char* p) { return uint64_t{le32(p)} | uint64_t{le32(p + 4)} << 32; }
void put32(unsigned char* p, uint32_t v) { for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i)); }
void put64(unsigned char* p, uint64_t v) { for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i)); }
}  // namespace

std::string version_string_for(const std::string& v) {
  int n = std::atoi(v.c_str());
  int major = n / 10, minor = n % 10;
  if (major >= 12) return fmt::format("Pharo-{}.{}.0+SNAPSHOT.build.{}.sha.e9a5c7c (64 Bit)", major, minor, 1500 + n);
  return fmt::format("Pharo-{}.{}.0+build.{}.sha.4a8b2f1 (64 Bit)", major, minor, 100 + n);
}

ImageState read_image(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImageError(fmt::format("Could not open image file {}", path.string()));
  std::stringstream buf;
  buf << in.rdbuf();
  std::string bytes = buf.str();
  if (bytes.size() < kHeaderSize) throw ImageError(fmt::format("{}: not a Pharo image (file too short: {} bytes)", path.string(), bytes.size()));
  auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  uint32_t format = le32(p);
  if (format != kImageFormat)
    throw ImageError(fmt::format("This interpreter (vers. {}) cannot read image file (vers. {}).", kImageFormat, format));
  uint32_t header = le32(p + 4);
  uint64_t data_size = le64(p + 8);
  if (header != kHeaderSize || data_size != bytes.size() - kHeaderSize)
    throw ImageError(fmt::format("{}: truncated or damaged image (header says {} data bytes, file has {})", path.string(), data_size, bytes.size() - kHeaderSize));
  ImageState state;
  try {
    nlohmann::json j = nlohmann::json::parse(bytes.substr(kHeaderSize));
    state.pharo_version = j.value("pharoVersion", "130");
    state.version_string = j.value("version", version_string_for(state.pharo_version));
    state.data = j.value("state", nlohmann::json::object());
  } catch (const nlohmann::json::exception& e) {
    throw ImageError(fmt::format("{}: damaged image (object memory unreadable: {})", path.string(), e.what()));
  }
  return state;
}

void write_image(const std::filesystem::path& path, const ImageState& state) {
  nlohmann::json j;
  j["simImage"] = 1;
  j["pharoVersion"] = state.pharo_version;
  j["version"] = state.version_string;
  j["state"] = state.data;
  std::string body = j.dump(1) + "\n";
  unsigned char header[kHeaderSize];
  std::memset(header, 0, sizeof header);
  put32(header, kImageFormat);
  put32(header + 4, kHeaderSize);
  put64(header + 8, body.size());
  int v = std::atoi(state.pharo_version.c_str());
  if (v >= 110) {  // Pharo 11+ records its version at offset 70
    header[70] = static_cast<unsigned char>(v & 0xff);
    header[71] = static_cast<unsigned char>(v >> 8);
  }
  std::filesystem::path tmp = path;
  tmp += fmt::format(".tmp{}", getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw ImageError(fmt::format("cannot write {}", tmp.string()));
    out.write(reinterpret_cast<const char*>(header), sizeof header);
    out << body;
    if (!out.flush()) throw ImageError(fmt::format("cannot write {}", tmp.string()));
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace sim
