#include "util/user_home.hpp"

#include <pwd.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "util/scratch_directory.hpp"

namespace pharoctl {
namespace {

std::string write_passwd(const ScratchDirectory& dir, const std::string& text) {
  std::string path = (dir.path() / "passwd").string();
  std::ofstream(path) << text;
  return path;
}

TEST(UserHome, TheFirstEntryOfTheUidInTheFile) {
  ScratchDirectory dir;
  std::string path = write_passwd(dir,
                                  "root:x:0:0:root:/root:/bin/bash\n"
                                  "not a passwd line\n"
                                  "pharo:x:4242:4242:Pharo Server,,,:/srv/pharo:/usr/sbin/nologin\n"
                                  "again:x:4242:4242::/elsewhere:/bin/sh\n");
  EXPECT_EQ(user_home(4242, path.c_str()), "/srv/pharo");
  EXPECT_EQ(user_home(0, path.c_str()), "/root");
}

TEST(UserHome, AnEntryWithoutHomeSaysSo) {
  ScratchDirectory dir;
  std::string path = write_passwd(dir, "nohome:x:4243:4243:::/bin/sh\n");
  EXPECT_EQ(user_home(4243, path.c_str()), "");
}

TEST(UserHome, AUidTheFileLacksIsAskedOfTheUserDatabase) {
  ScratchDirectory dir;
  std::string empty = write_passwd(dir, "");
  uid_t me = ::geteuid();
  const passwd* pw = ::getpwuid(me);
  ASSERT_NE(pw, nullptr) << "the test runs as a user the database knows";
  std::string expected = pw->pw_dir;
  EXPECT_EQ(user_home(me, empty.c_str()), expected);
  EXPECT_EQ(user_home(me, (dir.path() / "missing").c_str()), expected);
  // The system's own file and the database agree on the user running the test.
  EXPECT_EQ(user_home(me), expected);
}

TEST(UserHome, NobodyAnywhereIsNothing) {
  ScratchDirectory dir;
  std::string empty = write_passwd(dir, "");
  EXPECT_EQ(user_home(3999999999u, empty.c_str()), std::nullopt);
}

}  // namespace
}  // namespace pharoctl
