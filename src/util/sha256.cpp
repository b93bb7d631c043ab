#include "util/sha256.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include <fmt/format.h>
#include <sha2.h>

#include "util/crypto_library.hpp"
#include "util/failure.hpp"
#include "util/unique_fd.hpp"

namespace pharoctl {

namespace {

// Files from this size on are hashed by libcrypto: there its SHA extensions win (bench/
// checksum_200mb); below it, loading libcrypto (~1 ms, its configuration read) costs more than
// libmd's portable code takes.
constexpr off_t kLargeFile = 1 << 20;

std::string hex(const unsigned char* bytes, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (size_t i = 0; i < size; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0xf];
  }
  return out;
}

}  // namespace

struct Sha256::Context {
  SHA2_CTX md;
};

Sha256::Sha256() : ctx_(std::make_unique<Context>()) { ::SHA256Init(&ctx_->md); }
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, size_t size) {
  ::SHA256Update(&ctx_->md, static_cast<const uint8_t*>(data), size);
}

void Sha256::update(std::string_view data) { update(data.data(), data.size()); }

std::string Sha256::hex_digest() {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  ::SHA256Final(digest, &ctx_->md);
  return hex(digest, sizeof digest);
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex_digest();
}

namespace {

// Reads `fd` to its end into `consume`, `buffer` bytes at a time; throws naming `path`. Closes
// nothing.
template <typename Consume>
void read_all(int fd, const std::filesystem::path& path, Consume consume, size_t buffer = 1 << 18) {
  std::vector<char> buf(buffer);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw operation_failed(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
    if (n == 0) return;
    consume(buf.data(), static_cast<size_t>(n));
  }
}

std::string libcrypto_sha256(int fd, const std::filesystem::path& path) {
  const CryptoLibrary& lib = crypto_library();
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> md(lib.EVP_MD_CTX_new(), lib.EVP_MD_CTX_free);
  if (!md || lib.EVP_DigestInit_ex(md.get(), lib.EVP_sha256(), nullptr) != 1) throw std::bad_alloc();
  // Cannot fail for an initialised SHA-256 context short of memory corruption.
  read_all(fd, path, [&](const char* data, size_t size) { lib.EVP_DigestUpdate(md.get(), data, size); });
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  lib.EVP_DigestFinal_ex(md.get(), digest, &len);
  return hex(digest, len);
}

}  // namespace

std::string sha256_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw operation_failed(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  UniqueFd closer(fd);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size >= kLargeFile) {
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return libcrypto_sha256(fd, path);
  }
  Sha256 h;
  // A small file (a service.toml, which status hashes for each service) in a buffer its size:
  // no 256 KiB allocation (an mmap and munmap) for a few hundred bytes.
  size_t buffer = st.st_size > 0 && st.st_size < (1 << 18) ? static_cast<size_t>(st.st_size) + 1 : size_t{1} << 18;
  read_all(fd, path, [&](const char* data, size_t size) { h.update(data, size); }, buffer);
  return h.hex_digest();
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace pharoctl
