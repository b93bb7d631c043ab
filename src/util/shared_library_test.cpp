#include "util/shared_library.hpp"

#include <gtest/gtest.h>

#include "util/crypto_library.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace {

TEST(SharedLibrary, AMissingLibraryNamesItAndItsPackage) {
  try {
    SharedLibrary lib("libpharoctl-absent.so.9", "libpharoctl-absent9");
    FAIL() << "loaded a library that does not exist";
  } catch (const Failure& f) {
    EXPECT_EQ(f.exit_code(), kExitFailed);
    std::string m = f.what();
    EXPECT_NE(m.find("libpharoctl-absent.so.9"), std::string::npos) << m;
    EXPECT_NE(m.find("install the Debian package libpharoctl-absent9"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
}

TEST(SharedLibrary, AMissingSymbolNamesIt) {
  SharedLibrary libc("libc.so.6", "libc6");
  int (*absent)() = nullptr;
  try {
    libc.bind(absent, "pharoctl_no_such_function");
    FAIL() << "bound a symbol that does not exist";
  } catch (const Failure& f) {
    EXPECT_NE(std::string(f.what()).find("pharoctl_no_such_function"), std::string::npos) << f.what();
  }
  size_t (*length)(const char*) = nullptr;
  libc.bind(length, "strlen");
  EXPECT_EQ(length("four"), 4u);
}

// Every function of the table resolves in the library installed (net/curl_library_test.cpp for
// libcurl's; the libarchive and libedit tables are private to zip_unpack.cpp and
// line_editor.cpp: zip_unpack_test and the REPL's integration tests load them).
TEST(SharedLibrary, CryptoTableResolves) {
  const CryptoLibrary& crypto = crypto_library();
  EXPECT_NE(crypto.EVP_sha256(), nullptr);
}

}  // namespace
}  // namespace pharoctl
