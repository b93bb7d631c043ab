#include "service/release_id.hpp"

#include <gtest/gtest.h>

using namespace pharoctl;

namespace {
std::chrono::system_clock::time_point at(std::time_t t) { return std::chrono::system_clock::from_time_t(t); }
}  // namespace

TEST(ReleaseId, UtcTimeAndShortKey) {
  // 2026-11-23T10:14:07Z
  EXPECT_EQ(make_release_id(at(1795428847), "3f9a2c1b77e0d4"), "20261123T101407Z-3f9a2c1b");
  EXPECT_EQ(make_release_id(at(1795428847), "3f9a2c1b77e0d4", 2), "20261123T101407Z-3f9a2c1b-2");
  EXPECT_EQ(format_utc_iso(at(1795428847)), "2026-11-23T10:14:07Z");
}

TEST(ReleaseId, KeyKeepsOnlySafeCharacters) {
  EXPECT_EQ(make_release_id(at(0), "../x/y"), "19700101T000000Z-xy");
  EXPECT_EQ(make_release_id(at(0), ""), "19700101T000000Z-nokey");
}

TEST(ReleaseId, RecognisesOnlyIds) {
  EXPECT_TRUE(is_release_id("20261123T101407Z-3f9a2c1b"));
  EXPECT_TRUE(is_release_id("20261123T101407Z-3f9a2c1b-12"));
  EXPECT_TRUE(is_release_id(make_release_id(at(1795428847), "imgdeadbeef")));
  for (const char* bad : {"", "current", ".staging-20261123T101407Z-3f9a2c1b-42", ".trash-20261123T101407Z-ab-1",
                          "20261123T101407Z", "20261123T101407Z-", "20261123X101407Z-ab", "20261123T101407Z-ab-",
                          "20261123T101407Z-abcdefghi", "20261123T101407Z-ab/..", "2026112aT101407Z-ab"}) {
    EXPECT_FALSE(is_release_id(bad)) << bad;
  }
}

TEST(ReleaseId, OrderIsTimeThenSequence) {
  EXPECT_TRUE(release_id_less(make_release_id(at(1795428847), "ffffffff"), make_release_id(at(1795428848), "00000000")));
  EXPECT_TRUE(release_id_less(make_release_id(at(1795428847), "ab"), make_release_id(at(1795428847), "ab", 2)));
  // Text order would put -10 before -2, and key "00" before "ff".
  EXPECT_TRUE(release_id_less(make_release_id(at(1795428847), "ab", 2), make_release_id(at(1795428847), "ab", 10)));
  EXPECT_TRUE(release_id_less(make_release_id(at(1795428847), "ff"), make_release_id(at(1795428847), "00", 2)));
  EXPECT_FALSE(release_id_less(make_release_id(at(1795428847), "ab", 10), make_release_id(at(1795428847), "ab", 10)));
  EXPECT_EQ(release_id_sequence("20261123T101407Z-3f9a2c1b"), 1);
  EXPECT_EQ(release_id_sequence("20261123T101407Z-3f9a2c1b-25"), 25);
}
