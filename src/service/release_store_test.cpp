#include "service/release_store.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "service/fake_build.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"
#include "util/scratch_directory.hpp"

namespace fs = std::filesystem;
using namespace pharoctl;

namespace {

class ReleaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(root / "shop");
    paths.emplace(root / "shop", "shop");
    write_fake_build(*paths, "shop", "k1");
  }

  std::string release_at(std::time_t t, const std::string& key = "k1") {
    ReleaseStore store(*paths);
    return store.create(fake_build_content(*paths, "shop", key), std::chrono::system_clock::from_time_t(t), "alice");
  }

  ScratchDirectory scratch{"releases"};
  const fs::path root = scratch.path();
  std::optional<ServicePaths> paths;
};

ino_t inode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_ino;
}

}  // namespace

TEST_F(ReleaseStoreTest, CreateLinksImageAndSourcesCopiesChangesAndRecordsMeta) {
  std::string id = release_at(1795428847);
  EXPECT_EQ(id, "20261123T101407Z-k1");
  fs::path r = paths->releases() / id;
  EXPECT_EQ(inode(r / "shop.image"), inode(paths->builds() / "k1" / "shop.image"));
  EXPECT_EQ(inode(r / "Pharo13.0-64bit-abc.sources"), inode(paths->builds() / "k1" / "Pharo13.0-64bit-abc.sources"));
  EXPECT_NE(inode(r / "shop.changes"), inode(paths->builds() / "k1" / "shop.changes"));
  EXPECT_EQ(read_file(r / "shop.changes"), "changes of k1");
  auto meta = nlohmann::json::parse(read_file(r / "release.json"));
  EXPECT_EQ(meta["build_key"], "k1");
  EXPECT_EQ(meta["source_commit"], "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(meta["user"], "alice");
  EXPECT_EQ(meta["time"], "2026-11-23T10:14:07Z");
  EXPECT_EQ(meta["files"]["shop.image"], "linked");
  EXPECT_EQ(meta["files"]["shop.changes"], "copied");
  // Nothing but the release itself in releases/.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(paths->releases())) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(ReleaseStoreTest, SameSecondSameBuildGetsADistinctId) {
  std::string a = release_at(1795428847);
  std::string b = release_at(1795428847);
  EXPECT_NE(a, b);
  EXPECT_EQ(b, a + "-2");
  ReleaseStore store(*paths);
  EXPECT_EQ(store.list(), (std::vector<std::string>{a, b}));
}

TEST_F(ReleaseStoreTest, SwitchIsARelativeSymlinkAndPreviousIsTheOneBefore) {
  ReleaseStore store(*paths);
  std::string a = release_at(100), b = release_at(200), c = release_at(300);
  EXPECT_FALSE(store.current());
  store.switch_to(b);
  EXPECT_EQ(fs::read_symlink(paths->current()), fs::path("releases") / b);
  EXPECT_EQ(store.current(), b);
  EXPECT_EQ(store.previous(), a);
  store.switch_to(c);
  EXPECT_EQ(store.previous(), b);
  store.switch_to(a);
  EXPECT_FALSE(store.previous());
  EXPECT_THROW(store.switch_to("20990101T000000Z-nothere"), Failure);
  EXPECT_EQ(store.current(), a);
  store.clear_current();
  EXPECT_FALSE(store.current());
}

TEST_F(ReleaseStoreTest, PruneKeepsNewestAndNeverCurrentOrPrevious) {
  ReleaseStore store(*paths);
  std::vector<std::string> ids;
  for (int i = 1; i <= 8; ++i) ids.push_back(release_at(1000 * i));
  store.switch_to(ids[1]);  // rolled back far: current and previous are old ones
  auto removed = store.prune(5);
  EXPECT_EQ(removed, (std::vector<std::string>{ids[2], ids[3], ids[4]}));
  EXPECT_EQ(store.list(), (std::vector<std::string>{ids[0], ids[1], ids[5], ids[6], ids[7]}));
  EXPECT_EQ(store.current(), ids[1]);
  store.switch_to(ids[7]);
  removed = store.prune(2, ids[0]);
  EXPECT_EQ(removed, (std::vector<std::string>{ids[1], ids[5]}));
  EXPECT_EQ(store.list(), (std::vector<std::string>{ids[0], ids[6], ids[7]}));
}

TEST_F(ReleaseStoreTest, CleanLeftoversRemovesStagingTrashAndTempLinksOnly) {
  ReleaseStore store(*paths);
  std::string a = release_at(100);
  store.switch_to(a);
  fs::create_directories(paths->releases() / ".staging-20261123T101407Z-k1-999");
  write_file_atomic(paths->releases() / ".staging-20261123T101407Z-k1-999" / "shop.image", "half");
  fs::create_directories(paths->releases() / ".trash-19700101T000140Z-k1-999");
  fs::create_symlink("releases/" + a, paths->dir() / ".current.tmp-999-deadbeef");
  EXPECT_EQ(store.clean_leftovers(), 3);
  EXPECT_EQ(store.list(), std::vector<std::string>{a});
  EXPECT_EQ(store.current(), a);
  EXPECT_TRUE(fs::exists(paths->releases() / a / "shop.image"));
  EXPECT_FALSE(fs::exists(paths->dir() / ".current.tmp-999-deadbeef"));
  EXPECT_EQ(store.clean_leftovers(), 0);
}
