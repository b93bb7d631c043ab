#include "runtime/image_header.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "util/failure.hpp"

namespace pharoctl {
namespace {

void put_le(std::string& s, size_t offset, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; ++i) s[offset + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// A hand-made image: a header of the right size for the format and `data` bytes of object data.
std::string make_image(uint32_t format, uint64_t data = 100, unsigned pharo_version = 0) {
  bool is64 = (format & kImageBaseVersionMask) >= 68000;
  size_t header = is64 ? 128 : 64;
  std::string s(header + data, '\0');
  put_le(s, 0, format, 4);
  put_le(s, 4, header, 4);
  put_le(s, 8, data, is64 ? 8 : 4);
  if (is64) put_le(s, kImagePharoVersionOffset, pharo_version, 2);
  for (size_t i = header; i < s.size(); ++i) s[i] = static_cast<char>(i * 7);
  return s;
}

ImageHeader parse(const std::string& bytes) {
  return parse_image_header(std::string_view(bytes).substr(0, std::min(bytes.size(), kImageHeaderMax)),
                            bytes.size(), "test.image");
}

std::string error_of(const std::string& bytes) {
  try {
    parse(bytes);
  } catch (const Failure& f) {
    EXPECT_EQ(f.exit_code(), kExitFailed);
    return f.what();
  }
  return "(no error)";
}

struct Known {
  uint32_t format;
  uint32_t base;
  int bits;
  bool spur;
  bool sista;
};

TEST(ImageHeader, DecodesEveryKnownFormat) {
  const Known known[] = {
      {6502, 6502, 32, false, false},   {6504, 6504, 32, false, false},   {6505, 6504, 32, false, false},
      {6521, 6504, 32, true, false},    {68000, 68000, 64, false, false}, {68002, 68002, 64, false, false},
      {68003, 68002, 64, false, false}, {68019, 68002, 64, true, false},  {68021, 68004, 64, true, false},
      {7033, 6504, 32, true, true},     {68533, 68004, 64, true, true},
  };
  for (const Known& k : known) {
    SCOPED_TRACE(k.format);
    ImageHeader h = parse(make_image(k.format, 1000));
    EXPECT_EQ(h.format, k.format);
    EXPECT_EQ(h.base_version, k.base);
    EXPECT_EQ(h.word_bits, k.bits);
    EXPECT_EQ(h.header_size, k.bits == 64 ? 128u : 64u);
    EXPECT_EQ(h.data_size, 1000u);
    EXPECT_EQ(h.spur(), k.spur);
    EXPECT_EQ(h.multiple_bytecode_sets(), k.sista);
    EXPECT_EQ(h.file_size, h.header_size + 1000u);
  }
}

TEST(ImageHeader, RealPharo8BootstrapHeaderBytes) {
  // The first 16 bytes of a real 64-bit Pharo 8 image (pharo-vm.md section 4).
  std::string s = make_image(68021, 2470696);
  const unsigned char real[] = {0xb5, 0x09, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00,
                                0x28, 0xb3, 0x25, 0x00, 0x00, 0x00, 0x00, 0x00};
  for (size_t i = 0; i < sizeof real; ++i) EXPECT_EQ(static_cast<unsigned char>(s[i]), real[i]);
  ImageHeader h = parse(s);
  EXPECT_EQ(h.file_size, 2470824u);
  EXPECT_EQ(h.pharo_version, 0u);
}

TEST(ImageHeader, PharoVersionAtOffset70) {
  EXPECT_EQ(parse(make_image(68533, 10, 130)).pharo_version, 130u);
  EXPECT_EQ(parse(make_image(68021, 10, 0)).pharo_version, 0u);
  EXPECT_NE(parse(make_image(68533, 10, 130)).describe().find("Pharo version 130"), std::string::npos);
}

TEST(ImageHeader, LongerFileThanHeaderSaysIsAccepted) {
  std::string s = make_image(68021, 100) + std::string(10, 'x');
  EXPECT_EQ(parse(s).data_size, 100u);
}

TEST(ImageHeader, TruncatedData) {
  std::string s = make_image(68021, 1000);
  s.resize(s.size() - 1);
  std::string e = error_of(s);
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;
  EXPECT_NE(e.find("test.image"), std::string::npos) << e;
}

TEST(ImageHeader, TruncatedHeader) {
  std::string s = make_image(68021, 1000).substr(0, 40);
  EXPECT_NE(error_of(s).find("truncated"), std::string::npos) << error_of(s);
  EXPECT_NE(error_of(s.substr(0, 5)).find("truncated"), std::string::npos);
}

TEST(ImageHeader, EmptyFile) { EXPECT_NE(error_of("").find("empty"), std::string::npos); }

TEST(ImageHeader, HtmlSavedAsImage) {
  for (const char* page : {"<!DOCTYPE html><html><body>404 Not Found</body></html>",
                           "\n  <HTML><HEAD><TITLE>Error</TITLE></HEAD></HTML>", "<html>"}) {
    std::string e = error_of(page);
    EXPECT_NE(e.find("HTML page"), std::string::npos) << e;
  }
}

TEST(ImageHeader, ZipAndTextAndGarbage) {
  EXPECT_NE(error_of(std::string("PK\x03\x04", 4) + std::string(200, '\0')).find("zip"), std::string::npos);
  EXPECT_NE(error_of("just some words in a file that is long enough").find("text file"), std::string::npos);
  std::string garbage(300, '\0');
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 131 + 7) & 0xFF);
  std::string e = error_of(garbage);
  EXPECT_NE(e.find("not a Pharo image"), std::string::npos) << e;
  EXPECT_NE(error_of(std::string(300, '\0')).find("not a Pharo image"), std::string::npos);
}

TEST(ImageHeader, UnknownCapabilityBitIsRefused) {
  // 68021 with a reserved bit set: decoding must not accept a base version it recognises when
  // the rest of the number means something it does not.
  EXPECT_NE(error_of(make_image(68021 | 0x100000)).find("not a Pharo image"), std::string::npos);
  EXPECT_NE(error_of(make_image(68021 + 4096 * 64)).find("not a Pharo image"), std::string::npos);
}

TEST(ImageHeader, WrongHeaderSize) {
  std::string s = make_image(68021);
  put_le(s, 4, 64, 4);
  EXPECT_NE(error_of(s).find("corrupt header"), std::string::npos) << error_of(s);
}

TEST(ImageHeader, BigEndianImage) {
  std::string s = make_image(68021);
  std::swap(s[0], s[3]);
  std::swap(s[1], s[2]);
  EXPECT_NE(error_of(s).find("big-endian"), std::string::npos) << error_of(s);
}

TEST(ImageHeader, RunnableImagesAre64BitSpur) {
  EXPECT_NO_THROW(require_runnable_image(parse(make_image(68021)), "x.image"));
  EXPECT_NO_THROW(require_runnable_image(parse(make_image(68533)), "x.image"));
  try {
    require_runnable_image(parse(make_image(6521)), "x.image");
    FAIL() << "a 32-bit image was accepted";
  } catch (const Failure& f) {
    EXPECT_NE(std::string(f.what()).find("32-bit"), std::string::npos) << f.what();
  }
  EXPECT_THROW(require_runnable_image(parse(make_image(7033)), "x.image"), Failure);
  EXPECT_THROW(require_runnable_image(parse(make_image(68002)), "x.image"), Failure);
}

TEST(ImageHeader, ReadsFromFile) {
  std::string path = ::testing::TempDir() + "/image_header_test.image";
  {
    std::ofstream out(path, std::ios::binary);
    std::string s = make_image(68533, 4096, 120);
    out.write(s.data(), static_cast<std::streamsize>(s.size()));
  }
  ImageHeader h = check_image_file(path);
  EXPECT_EQ(h.format, 68533u);
  EXPECT_EQ(h.pharo_version, 120u);
  EXPECT_EQ(h.file_size, 128u + 4096u);
  std::remove(path.c_str());
  EXPECT_THROW(read_image_header(path), Failure);
}

}  // namespace
}  // namespace pharoctl
