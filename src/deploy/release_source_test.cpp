#include "deploy/release_source.hpp"

#include <gtest/gtest.h>

#include "service/fake_build.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"
#include "util/scratch_directory.hpp"

namespace fs = std::filesystem;
using namespace pharoctl;

namespace {

class ReleaseSourceTest : public ::testing::Test {
 protected:
  void SetUp() override { write_fake_build(paths, "shop", "k1"); }

  ScratchDirectory scratch{"release-source"};
  const fs::path root = scratch.path();
  ServicePaths paths{root / "shop", "shop"};
};

}  // namespace

TEST_F(ReleaseSourceTest, BuildBecomesContentWithManifestCommitAndRepository) {
  ReleaseContent c = content_from_build(paths, "shop", "k1");
  ReleaseContent expected = fake_build_content(paths, "shop", "k1");
  EXPECT_EQ(c.origin, "build");
  EXPECT_EQ(c.build_key, "k1");
  EXPECT_EQ(c.source_commit, expected.source_commit);
  EXPECT_EQ(c.repository, expected.repository);
  ASSERT_EQ(c.files.size(), expected.files.size());
  for (size_t i = 0; i < c.files.size(); ++i) {
    EXPECT_EQ(c.files[i].from, expected.files[i].from);
    EXPECT_EQ(c.files[i].name, expected.files[i].name);
    EXPECT_EQ(c.files[i].may_link, expected.files[i].may_link);
  }
}

TEST_F(ReleaseSourceTest, MissingBuildOrFileIsAUsageError) {
  try {
    content_from_build(paths, "shop", "nope");
    FAIL();
  } catch (const Failure& f) {
    EXPECT_EQ(f.exit_code(), kExitUsage);
    EXPECT_NE(std::string(f.what()).find("build 'nope'"), std::string::npos);
  }
  EXPECT_THROW(content_from_build(paths, "shop", "../k1"), Failure);
  fs::remove(paths.builds() / "k1" / "shop.changes");
  EXPECT_THROW(content_from_build(paths, "shop", "k1"), Failure);
}

TEST_F(ReleaseSourceTest, UploadedImageNeedsHeaderChangesAndOneSources) {
  fs::path up = root / "upload";
  fs::create_directories(up);
  fs::copy_file(paths.builds() / "k1" / "shop.image", up / "App.image");
  EXPECT_THROW(content_from_image_file(up / "App.image", "shop"), Failure);  // no .changes
  write_file_atomic(up / "App.changes", "c");
  EXPECT_THROW(content_from_image_file(up / "App.image", "shop"), Failure);  // no .sources
  write_file_atomic(up / "Pharo.sources", "s");
  ReleaseContent c = content_from_image_file(up / "App.image", "shop");
  EXPECT_EQ(c.origin, "image");
  EXPECT_EQ(c.build_key.rfind("img", 0), 0u);
  EXPECT_EQ(c.files[0].name, "shop.image");
  write_file_atomic(up / "Other.sources", "s");
  EXPECT_THROW(content_from_image_file(up / "App.image", "shop"), Failure);  // two .sources
  fs::remove(up / "Other.sources");
  write_file_atomic(up / "Html.image", "<!DOCTYPE html><html>not found</html>");
  write_file_atomic(up / "Html.changes", "");
  try {
    content_from_image_file(up / "Html.image", "shop");
    FAIL();
  } catch (const Failure& f) {
    EXPECT_EQ(f.exit_code(), kExitUsage);
  }
  EXPECT_THROW(content_from_image_file(up / "App.changes", "shop"), Failure);
}

TEST(FileFingerprint, TellsContentsApart) {
  ScratchDirectory d("fingerprint");
  write_file_atomic(d / "a", "one");
  write_file_atomic(d / "b", "two");
  write_file_atomic(d / "c", "one");
  EXPECT_NE(file_fingerprint(d / "a"), file_fingerprint(d / "b"));
  EXPECT_EQ(file_fingerprint(d / "a"), file_fingerprint(d / "c"));
  EXPECT_EQ(file_fingerprint(d / "a").size(), 16u);
}
