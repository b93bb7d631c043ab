#include "util/file_appears.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "util/scratch_directory.hpp"

using namespace pharoctl;
using std::chrono::milliseconds;

TEST(FileAppears, WakesWhenTheFileIsRenamedIntoPlaceAndNotForOthers) {
  ScratchDirectory dir("appears");
  FileAppears watch(dir.path(), "control.sock");
  std::ofstream(dir / "other") << "x";  // another name: no wake
  EXPECT_EQ(watch.wait(milliseconds(30)), FileAppears::Woke::Timeout);
  std::thread maker([&] {
    std::ofstream(dir / "control.sock.new") << "x";
    std::rename((dir / "control.sock.new").c_str(), (dir / "control.sock").c_str());
  });
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(watch.wait(milliseconds(5000)), FileAppears::Woke::Appeared);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(4000));
  maker.join();
}

TEST(FileAppears, AnEventBeforeTheWaitIsNotMissedAndAnotherDescriptorWakesToo) {
  ScratchDirectory dir("appears");
  FileAppears watch(dir.path(), "f");
  std::ofstream(dir / "f") << "x";  // created between the watch and the wait
  EXPECT_EQ(watch.wait(milliseconds(5000)), FileAppears::Woke::Appeared);
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  EXPECT_EQ(watch.wait(milliseconds(20), p[0]), FileAppears::Woke::Timeout);
  (void)!::write(p[1], "x", 1);
  EXPECT_EQ(watch.wait(milliseconds(5000), p[0]), FileAppears::Woke::Other);
  ::close(p[0]);
  ::close(p[1]);
}
