#include "util/atomic_file.hpp"

#include <sys/stat.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "util/scratch_directory.hpp"

namespace fs = std::filesystem;
using namespace pharoctl;

TEST(AtomicFile, WritesContentAndModeAndLeavesNoTemp) {
  ScratchDirectory scratch("atomic");
  const fs::path& d = scratch.path();
  write_file_atomic(d / "a.txt", "hello\n", 0600);
  EXPECT_EQ(read_file(d / "a.txt"), "hello\n");
  struct stat st {};
  ASSERT_EQ(::stat((d / "a.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  write_file_atomic(d / "a.txt", "second\n");
  EXPECT_EQ(read_file(d / "a.txt"), "second\n");
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(d)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(AtomicFile, SymlinkIsReplacedNotRemoved) {
  ScratchDirectory scratch("atomic");
  const fs::path& d = scratch.path();
  fs::create_directories(d / "r1");
  fs::create_directories(d / "r2");
  replace_symlink_atomic(d / "current", "r1");
  EXPECT_EQ(fs::read_symlink(d / "current"), "r1");
  replace_symlink_atomic(d / "current", "r2");
  EXPECT_EQ(fs::read_symlink(d / "current"), "r2");
}

TEST(AtomicFile, RuntimeStateTakesTheUmaskedModeAndAFreshTempName) {
  ScratchDirectory scratch("atomic");
  const fs::path& d = scratch.path();
  // A stale temp file under the name the old pid-record writer used must not be touched.
  write_file_atomic(d / "x.pid.tmp", "stale\n");
  mode_t old = ::umask(027);
  write_file_atomic(d / "x.pid", "42\n", runtime_state);
  ::umask(old);
  EXPECT_EQ(read_file(d / "x.pid"), "42\n");
  EXPECT_EQ(read_file(d / "x.pid.tmp"), "stale\n");
  struct stat st {};
  ASSERT_EQ(::stat((d / "x.pid").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(d)) ++entries;
  EXPECT_EQ(entries, 2);
}
