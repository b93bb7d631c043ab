#pragma once
// The header of a Pharo image file (pharo-vm.md section 4), read wherever pharoctl accepts an
// image: install, build, deploy --image, doctor. Reading it first turns "the VM crashed at start"
// into "this file is a truncated download / an HTML page / a 32-bit image" before anything runs.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace pharoctl {

// The format number is a bit map: a base version (the bits of kImageBaseVersionMask) plus
// capability bits. Decoding the two, rather than matching a list of numbers, accepts every
// combination a VM may write (68021 = 68004 + Spur + platform float order; 68533 = 68021 + the
// multiple-bytecode-set bit).
inline constexpr uint32_t kImageBaseVersionMask = 0x119EE;
inline constexpr uint32_t kImageCapPlatformFloatOrder = 1;
inline constexpr uint32_t kImageCapSpur = 16;
inline constexpr uint32_t kImageCapMultipleBytecodeSets = 512;  // SistaV1
inline constexpr uint32_t kImageKnownCapabilities =
    kImageCapPlatformFloatOrder | kImageCapSpur | kImageCapMultipleBytecodeSets;

// How many bytes of a file the reader needs at most: the 64-bit header.
inline constexpr size_t kImageHeaderMax = 128;
// Offset of the u16 Pharo version (110, 120, 130...) that images of Pharo 11 and later record.
inline constexpr size_t kImagePharoVersionOffset = 70;

struct ImageHeader {
  uint32_t format = 0;        // as stored: 68021, 68533, 6521...
  uint32_t base_version = 0;  // format & kImageBaseVersionMask: 6502, 6504, 68000, 68002, 68004
  uint32_t capabilities = 0;  // the other bits
  int word_bits = 0;          // 32 or 64
  uint32_t header_size = 0;   // 64 or 128
  uint64_t data_size = 0;     // object data after the header
  uint64_t file_size = 0;     // size of the file (or of the bytes given)
  unsigned pharo_version = 0; // 0 when the image does not record it (Pharo 10 and older)

  bool spur() const { return (capabilities & kImageCapSpur) != 0; }
  bool multiple_bytecode_sets() const { return (capabilities & kImageCapMultipleBytecodeSets) != 0; }
  // "64-bit Spur, multiple bytecode sets (68533)"
  std::string describe() const;
};

// Decodes a header from the first bytes of an image file. `bytes` holds at least the header
// when the file is that long; `file_size` is the whole file's size. `what` names the file in
// messages. Throws Failure(kExitFailed) with one line saying what the file is instead: too short,
// an HTML page, a zip, text, an image from a big-endian machine, an unknown format, a header that
// promises more data than the file has.
ImageHeader parse_image_header(std::string_view bytes, uint64_t file_size, const std::string& what);

// Reads and decodes the header of the file at `path`.
ImageHeader read_image_header(const std::filesystem::path& path);

// The checks for an image a 64-bit VM is to run: refuses 32-bit images and pre-Spur ones (no
// VM pharoctl installs runs them) with what would be right.
void require_runnable_image(const ImageHeader& header, const std::string& what);

// What a format number alone says (runtime.toml keeps only the number).
struct ImageFormatInfo {
  int word_bits = 0;  // 32, 64, 0 when unknown
  bool spur = false;
  bool sista = false;  // the multiple-bytecode-sets bit (SistaV1 bytecodes)
  std::string object_format() const { return spur ? "Spur" : "pre-Spur"; }
};
ImageFormatInfo decode_image_format(uint32_t format);

// Reads, decodes and checks in one step.
ImageHeader check_image_file(const std::filesystem::path& path);

}  // namespace pharoctl
