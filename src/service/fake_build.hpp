#pragma once
// For unit tests: builds/<key>/ as the build step leaves it (a 64-bit Spur image header, its
// .changes, one .sources and a manifest naming commit and repository), and the ReleaseContent
// that content_from_build (deploy/release_source.hpp) makes of it, for tests below deploy/.
#include <string>

#include "service/home.hpp"
#include "service/release_store.hpp"
#include "util/atomic_file.hpp"

namespace pharoctl {

inline void write_fake_build(const ServicePaths& paths, const std::string& image, const std::string& key) {
  std::filesystem::path b = paths.builds() / key;
  std::filesystem::create_directories(b);
  // A 64-bit Spur header (68021, header size 128) and nothing else matters here.
  std::string header(128, '\0');
  header[0] = static_cast<char>(0xb5);
  header[1] = static_cast<char>(0x09);
  header[2] = 0x01;
  header[4] = static_cast<char>(0x80);
  write_file_atomic(b / (image + ".image"), header + key);
  write_file_atomic(b / (image + ".changes"), "changes of " + key);
  write_file_atomic(b / "Pharo13.0-64bit-abc.sources", "sources");
  write_file_atomic(b / "manifest.json", R"({"inputs": {"source_commit": "0123456789abcdef0123456789abcdef01234567", "repository": "tonel:///src"}})");
}

inline ReleaseContent fake_build_content(const ServicePaths& paths, const std::string& image, const std::string& key) {
  std::filesystem::path b = paths.builds() / key;
  ReleaseContent c;
  c.image = image;
  c.build_key = key;
  c.origin = "build";
  c.source_commit = "0123456789abcdef0123456789abcdef01234567";
  c.repository = "tonel:///src";
  c.files = {{b / (image + ".image"), image + ".image", true},
             {b / (image + ".changes"), image + ".changes", false},
             {b / "Pharo13.0-64bit-abc.sources", "Pharo13.0-64bit-abc.sources", true}};
  return c;
}

}  // namespace pharoctl
