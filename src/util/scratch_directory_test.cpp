#include "util/scratch_directory.hpp"

#include <gtest/gtest.h>

#include "util/atomic_file.hpp"

namespace fs = std::filesystem;
using namespace pharoctl;

TEST(ScratchDirectory, FreshUnderTmpdirAndGoneWithItsOwner) {
  fs::path kept;
  {
    ScratchDirectory a("scratch"), b("scratch");
    EXPECT_NE(a.path(), b.path());
    EXPECT_TRUE(fs::is_directory(a.path()));
    EXPECT_EQ(a.path().parent_path(), fs::temp_directory_path());
    EXPECT_EQ(a.path().filename().string().rfind("pharoctl-scratch-", 0), 0u);
    fs::create_directories(a / "deep" / "er");
    write_file_atomic(a / "deep" / "er" / "f", "x");
    kept = a.path();
  }
  EXPECT_FALSE(fs::exists(kept));
}
