#include "image_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace sim {
namespace {

TEST(ImageFile, HeaderAndRoundTrip) {
  auto dir = std::filesystem::temp_directory_path() / ("sim-image-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  ImageState s;
  s.pharo_version = "120";
  s.version_string = version_string_for("120");
  s.data["baselines"] = nlohmann::json::array({{{"name", "X"}}});
  write_image(dir / "a.image", s);
  std::ifstream in(dir / "a.image", std::ios::binary);
  unsigned char h[128];
  in.read(reinterpret_cast<char*>(h), 128);
  EXPECT_EQ(h[0] | h[1] << 8 | h[2] << 16, 68021);
  EXPECT_EQ(h[4], 128);
  auto size = std::filesystem::file_size(dir / "a.image");
  uint64_t data = 0;
  for (int i = 7; i >= 0; --i) data = data << 8 | h[8 + i];
  EXPECT_EQ(data, size - 128);
  EXPECT_EQ(h[70] | h[71] << 8, 120);
  ImageState r = read_image(dir / "a.image");
  EXPECT_EQ(r.version_string, s.version_string);
  EXPECT_EQ(r.data["baselines"][0]["name"], "X");
  std::ofstream(dir / "b.image") << std::string(200, 'x');
  EXPECT_THROW(read_image(dir / "b.image"), ImageError);
  EXPECT_THROW(read_image(dir / "missing.image"), ImageError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sim
