#include "runtime/image_header.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl {

namespace {

uint64_t read_le(std::string_view bytes, size_t offset, size_t width) {
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  }
  return v;
}

uint32_t byte_swap(uint32_t v) {
  return ((v & 0xFFu) << 24) | ((v & 0xFF00u) << 8) | ((v >> 8) & 0xFF00u) | (v >> 24);
}

int word_bits_of_base(uint32_t base) {
  switch (base) {
    case 6502:
    case 6504:
      return 32;
    case 68000:
    case 68002:
    case 68004:
      return 64;
    default:
      return 0;
  }
}

bool known_format(uint32_t format) {
  return word_bits_of_base(format & kImageBaseVersionMask) != 0 &&
         (format & ~kImageBaseVersionMask & ~kImageKnownCapabilities) == 0;
}

bool starts_with_ci(std::string_view bytes, std::string_view prefix) {
  if (bytes.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(bytes[i])) != prefix[i]) return false;
  }
  return true;
}

// What a file that is not an image most likely is, from its first bytes; "" when nothing fits.
std::string guess_what_it_is(std::string_view bytes) {
  size_t i = 0;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 byte order mark
  while (i < bytes.size() && std::isspace(static_cast<unsigned char>(bytes[i]))) ++i;
  std::string_view rest = bytes.substr(i);
  if (starts_with_ci(rest, "<!doctype") || starts_with_ci(rest, "<html") || starts_with_ci(rest, "<head") ||
      starts_with_ci(rest, "<?xml") || starts_with_ci(rest, "<body")) {
    return "an HTML page, not an image (an error page saved by a download?)";
  }
  if (bytes.substr(0, 4) == "PK\x03\x04") return "a zip archive, not an image (unpack it first)";
  if (bytes.substr(0, 2) == "\x1F\x8B") return "gzip-compressed, not an image (unpack it first)";
  if (bytes.substr(0, 4) == "\x7F" "ELF") return "an executable, not an image";
  bool text = !bytes.empty();
  for (char c : bytes.substr(0, 64)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n' && c != '\r' && c != '\t') text = false;
  }
  if (text) return "a text file, not an image";
  return "";
}

}  // namespace

std::string ImageHeader::describe() const {
  std::string out = fmt::format("{}-bit", word_bits);
  out += spur() ? " Spur" : " pre-Spur";
  if (multiple_bytecode_sets()) out += ", multiple bytecode sets";
  out += fmt::format(" (format {})", format);
  if (pharo_version != 0) out += fmt::format(", Pharo version {}", pharo_version);
  return out;
}

ImageHeader parse_image_header(std::string_view bytes, uint64_t file_size, const std::string& what) {
  if (file_size == 0) throw operation_failed(fmt::format("{}: empty file, not an image", what));
  bool known = bytes.size() >= 4 && known_format(static_cast<uint32_t>(read_le(bytes, 0, 4)));
  if (!known) {
    if (std::string guess = guess_what_it_is(bytes); !guess.empty()) {
      throw operation_failed(fmt::format("{}: {}", what, guess));
    }
  }
  if (bytes.size() < 8) {
    throw operation_failed(
        fmt::format("{}: truncated: {} bytes is shorter than any image header", what, file_size));
  }
  ImageHeader h;
  h.file_size = file_size;
  h.format = static_cast<uint32_t>(read_le(bytes, 0, 4));
  if (!known) {
    if (known_format(byte_swap(h.format))) {
      throw operation_failed(fmt::format(
          "{}: an image saved on a big-endian machine (format {}); pharoctl runs little-endian images", what,
          byte_swap(h.format)));
    }
    throw operation_failed(fmt::format(
        "{}: not a Pharo image: the first 4 bytes ({:02x} {:02x} {:02x} {:02x} = {}) are not a known image format "
        "(64-bit Pharo images start with 68021 or 68533)",
        what, static_cast<unsigned char>(bytes[0]), static_cast<unsigned char>(bytes[1]),
        static_cast<unsigned char>(bytes[2]), static_cast<unsigned char>(bytes[3]), h.format));
  }
  h.base_version = h.format & kImageBaseVersionMask;
  h.capabilities = h.format & ~kImageBaseVersionMask;
  h.word_bits = word_bits_of_base(h.base_version);
  h.header_size = static_cast<uint32_t>(read_le(bytes, 4, 4));
  uint32_t expected_header = h.word_bits == 64 ? 128 : 64;
  if (h.header_size != expected_header) {
    throw operation_failed(fmt::format("{}: corrupt header: a {}-bit image (format {}) has a {}-byte header, this one says {}",
                                       what, h.word_bits, h.format, expected_header, h.header_size));
  }
  if (bytes.size() < h.header_size || file_size < h.header_size) {
    throw operation_failed(fmt::format("{}: truncated: {} bytes, less than the {}-byte header of a {}-bit image", what,
                                       file_size, h.header_size, h.word_bits));
  }
  h.data_size = read_le(bytes, 8, h.word_bits == 64 ? 8 : 4);
  if (file_size < h.header_size + h.data_size) {
    throw operation_failed(fmt::format(
        "{}: truncated: {} bytes, but its header promises {} + {} = {} (an interrupted download or copy?)", what,
        file_size, h.header_size, h.data_size, h.header_size + h.data_size));
  }
  if (h.word_bits == 64) {
    h.pharo_version = static_cast<unsigned>(read_le(bytes, kImagePharoVersionOffset, 2));
  }
  return h;
}

ImageFormatInfo decode_image_format(uint32_t format) {
  ImageFormatInfo f;
  f.word_bits = word_bits_of_base(format & kImageBaseVersionMask);
  f.spur = (format & kImageCapSpur) != 0;
  f.sista = (format & kImageCapMultipleBytecodeSets) != 0;
  return f;
}

ImageHeader read_image_header(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw operation_failed(fmt::format("cannot read image {}: {}", path.string(), std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw operation_failed(fmt::format("{}: not a regular file", path.string()));
  }
  char buf[kImageHeaderMax];
  size_t got = 0;
  while (got < sizeof buf) {
    ssize_t n = ::read(fd, buf + got, sizeof buf - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      throw operation_failed(fmt::format("cannot read image {}: {}", path.string(), std::strerror(err)));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  return parse_image_header(std::string_view(buf, got), static_cast<uint64_t>(st.st_size), path.string());
}

void require_runnable_image(const ImageHeader& h, const std::string& what) {
  if (h.word_bits != 64) {
    throw operation_failed(fmt::format(
        "{}: a 32-bit image (format {}); pharoctl's runtimes are 64-bit VMs: use a 64-bit image "
        "(files.pharo.org, get.pharo.org/64)",
        what, h.format));
  }
  if (!h.spur()) {
    throw operation_failed(fmt::format(
        "{}: a pre-Spur 64-bit image (format {}); no Pharo VM runs it: use a Pharo 7 or later image", what,
        h.format));
  }
}

ImageHeader check_image_file(const std::filesystem::path& path) {
  ImageHeader h = read_image_header(path);
  require_runnable_image(h, path.string());
  return h;
}

}  // namespace pharoctl
