#pragma once
// SHA-256 (FIPS 180-4): the checksums runtime.toml records for every file and the build cache
// keys. Written here rather than pulled from OpenSSL so that the core needs no crypto library
// for what is only content addressing.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace pharoctl {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  void update(const void* data, size_t size);
  // The digest as 64 lowercase hex digits. The object is spent afterwards.
  std::string hex_digest();

 private:
  void block(const unsigned char* p);

  std::array<uint32_t, 8> state_;
  std::array<unsigned char, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

std::string sha256_hex(std::string_view data);
// Throws Failure(kExitFailed) naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace pharoctl
