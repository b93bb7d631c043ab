#pragma once
// SHA-256: the checksums runtime.toml records for every file, runtime pins, the build cache
// keys. Small inputs are hashed by libmd (linked: a small library of libc alone); files of 1 MiB
// and more (runtime images and VMs) by OpenSSL's libcrypto, loaded on first use, which uses the
// CPU's SHA extensions. So a short command never maps libcrypto.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace pharoctl {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::string_view data);
  void update(const void* data, size_t size);
  // The digest as 64 lowercase hex digits. The object is spent afterwards.
  std::string hex_digest();

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

std::string sha256_hex(std::string_view data);
// Throws Failure(kExitFailed) naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

// True when `text` is 64 hex digits (either case): the form a pinned checksum must have.
bool is_sha256_hex(std::string_view text);

}  // namespace pharoctl
