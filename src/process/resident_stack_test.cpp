#include "process/resident_stack.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "util/read_whole.hpp"

namespace pharoctl {
namespace {

constexpr char kMaps[] =
    "5581a0b3c000-5581a0b3f000 r--p 00000000 fe:00 5695399                    /usr/libexec/pharoctl/pharoctl-supervise\n"
    "5581a0b45000-5581a0b46000 rw-p 00105000 fe:00 5695399                    /usr/libexec/pharoctl/pharoctl-supervise\n"
    "5581a1e51000-5581a1e7d000 rw-p 00000000 00:00 0                          [heap]\n"
    "7f01097a8000-7f01097a9000 rw-p 0000b000 fe:00 333218                     /usr/lib/x86_64-linux-gnu/libmd.so.0.0.5\n"
    "7fff5db73000-7fff5db94000 rw-p 00000000 00:00 0                          [stack]\n"
    "7fff5db94000-7fff5db95000 r--p 00000000 00:00 0                          [vvar]\n";

TEST(ResidentStack, FindsThePrivateAnonymousMappingThatHoldsTheAddress) {
  auto m = stack_mapping_in(kMaps, 0x7fff5db93ff8);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->begin, 0x7fff5db73000u);
  EXPECT_EQ(m->end, 0x7fff5db94000u);
  EXPECT_TRUE(stack_mapping_in(kMaps, 0x7fff5db73000));  // the first byte is in, the end is not
  EXPECT_FALSE(stack_mapping_in(kMaps, 0x7fff5db94000));  // [vvar], read-only
}

TEST(ResidentStack, RefusesWhatIsNotPrivateAnonymousWritableMemory) {
  EXPECT_FALSE(stack_mapping_in(kMaps, 0x5581a0b45010));  // a file's data: dropping it would lose it
  EXPECT_FALSE(stack_mapping_in(kMaps, 0x7f01097a8000));
  EXPECT_FALSE(stack_mapping_in(kMaps, 0x7fff5db94010));  // read-only
  EXPECT_FALSE(stack_mapping_in(kMaps, 0x1000));          // nothing there
  EXPECT_FALSE(stack_mapping_in("garbage\n\n-\n", 0x1000));
  EXPECT_TRUE(stack_mapping_in(kMaps, 0x5581a1e51000));  // the heap is such memory too
}

long stack_rss_kb() {
  std::string smaps = read_whole("/proc/self/smaps").value_or("");
  size_t at = smaps.find("[stack]");
  if (at == std::string::npos) return -1;
  size_t rss = smaps.find("\nRss:", at);
  return rss == std::string::npos ? -1 : std::stol(smaps.substr(rss + 5));
}

// Touches `depth` bytes of stack below the caller, as a deep set-up does; returns a value that
// depends on every page so that nothing is optimised away.
[[gnu::noinline]] int touch_deep(size_t depth) {
  char* deep = static_cast<char*>(__builtin_alloca(depth));
  for (size_t i = 0; i < depth; i += 4096) deep[i] = static_cast<char>(i >> 12);
  int sum = 0;
  for (size_t i = 0; i < depth; i += 4096) sum += static_cast<volatile char*>(deep)[i];
  return sum;
}

// Runs `body` in a forked child (the test's own stack stays as it was); its exit status.
int in_child(const std::function<int()>& body) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(ResidentStack, ReleasesWhatLiesBelowTheCallerAndKeepsItsFrames) {
  int rc = in_child([] {
    char kept[8192];  // the caller's frame: it must read back unchanged
    for (size_t i = 0; i < sizeof kept; ++i) kept[i] = static_cast<char>(i * 7);
    const int sum = touch_deep(512 * 1024);
    long before = stack_rss_kb();
    if (before < 512) return 1;  // the deep pages were not resident: the test would see nothing
    size_t released = release_unused_stack();
    long after = stack_rss_kb();
    if (released < 400 * 1024) return 2;
    if (after > before - 400) return 3;
    for (size_t i = 0; i < sizeof kept; ++i)
      if (kept[i] != static_cast<char>(i * 7)) return 4;
    if (touch_deep(512 * 1024) != sum) return 5;  // the stack still grows down there and works
    if (release_unused_stack() < 400 * 1024) return 6;  // and is released again
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST(ResidentStack, AShallowStackReleasesNothingAboveTheMargin) {
  int rc = in_child([] {
    // A margin larger than the whole mapping: nothing to release, nothing touched.
    return release_unused_stack(std::size_t{1} << 40) == 0 ? 0 : 1;
  });
  EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace pharoctl
