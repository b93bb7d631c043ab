#include "util/directory_guard.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "util/atomic_file.hpp"
#include "util/scratch_directory.hpp"

namespace fs = std::filesystem;
using namespace pharoctl;

TEST(DirectoryGuard, RemovesItsDirectoryUnlessReleased) {
  ScratchDirectory scratch("guard");
  fs::path made = make_unique_directory(scratch.path(), "x.");
  write_file_atomic(made / "a" / "b.txt", "b\n");
  { DirectoryGuard g(made); }
  EXPECT_FALSE(fs::exists(made));
  fs::path kept = make_unique_directory(scratch.path(), "y.");
  {
    DirectoryGuard g(kept);
    g.release();
  }
  EXPECT_TRUE(fs::is_directory(kept));
}

TEST(DirectoryGuard, AnEmptyParentGoesWithItOnlyWhenAsked) {
  ScratchDirectory scratch("guard");
  fs::create_directories(scratch.path() / "builds" / "one");
  fs::create_directories(scratch.path() / "other" / "one");
  fs::create_directories(scratch.path() / "shared" / "one");
  fs::create_directories(scratch.path() / "shared" / "neighbour");
  for (const char* parent : {"builds", "shared"}) {
    DirectoryGuard g(scratch.path() / parent / "one");
    g.also_empty_parent();
  }
  { DirectoryGuard g(scratch.path() / "other" / "one"); }
  EXPECT_FALSE(fs::exists(scratch.path() / "builds"));
  EXPECT_TRUE(fs::is_directory(scratch.path() / "other"));
  EXPECT_TRUE(fs::is_directory(scratch.path() / "shared" / "neighbour"));
  EXPECT_FALSE(fs::exists(scratch.path() / "shared" / "one"));
}
