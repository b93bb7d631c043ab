#include "util/sha256.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecewiseEqualsWhole) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 31);
  for (size_t step : {1u, 3u, 63u, 64u, 65u, 200u}) {
    Sha256 h;
    for (size_t i = 0; i < data.size(); i += step) h.update(std::string_view(data).substr(i, step));
    EXPECT_EQ(h.hex_digest(), sha256_hex(data)) << step;
  }
}

TEST(Sha256, MovedObjectKeepsItsState) {
  Sha256 a;
  a.update("ab");
  Sha256 b = std::move(a);
  b.update("c");
  EXPECT_EQ(b.hex_digest(), sha256_hex("abc"));
}

TEST(Sha256, PinnedChecksumForm) {
  EXPECT_TRUE(is_sha256_hex(sha256_hex("x")));
  EXPECT_TRUE(is_sha256_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
  EXPECT_FALSE(is_sha256_hex("ba7816bf"));
  EXPECT_FALSE(is_sha256_hex(std::string(63, 'a') + "g"));
}

// Files below 1 MiB are hashed in the tree, larger ones by libcrypto: both give the digest of
// the whole bytes, whichever side of the threshold.
TEST(Sha256, FilesEitherSideOfTheLibcryptoThresholdHashAlike) {
  auto dir = std::filesystem::temp_directory_path() / ("pharoctl-sha256-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (size_t size : {size_t{0}, size_t{100}, (size_t{1} << 20) - 1, size_t{1} << 20, (size_t{3} << 20) + 7}) {
    std::string data(size, '\0');
    for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 2654435761u) >> 13);
    auto file = dir / std::to_string(size);
    std::ofstream(file, std::ios::binary) << data;
    EXPECT_EQ(sha256_file(file), sha256_hex(data)) << size;
  }
  EXPECT_EQ(sha256_file(dir / "0"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pharoctl
