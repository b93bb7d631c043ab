#include "build/source_revision.hpp"

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

TEST(SourceRevision, ParsesMetacelloHostingUrls) {
  auto r = parse_git_hosted("github://svenvc/NeoConsole:master/src");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->owner, "svenvc");
  EXPECT_EQ(r->project, "NeoConsole");
  EXPECT_EQ(r->ref, "master");
  EXPECT_EQ(r->path, "src");
  EXPECT_EQ(r->https_url(), "https://github.com/svenvc/NeoConsole.git");

  auto bare = parse_git_hosted("github://acme/shop");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->ref, "");
  EXPECT_EQ(bare->path, "");

  auto path_only = parse_git_hosted("gitlab://acme/shop/src/pharo");
  ASSERT_TRUE(path_only);
  EXPECT_EQ(path_only->ref, "");
  EXPECT_EQ(path_only->path, "src/pharo");
  EXPECT_EQ(path_only->https_url(), "https://gitlab.com/acme/shop.git");

  auto tag = parse_git_hosted("bitbucket://acme/shop:v1.2.0");
  ASSERT_TRUE(tag);
  EXPECT_EQ(tag->ref, "v1.2.0");
  EXPECT_EQ(tag->path, "");

  EXPECT_FALSE(parse_git_hosted("tonel:///src/shop"));
  EXPECT_FALSE(parse_git_hosted("gitlocal:///src/shop"));
  EXPECT_FALSE(parse_git_hosted("http://smalltalkhub.com/mc/x/y/main"));
  EXPECT_FALSE(parse_git_hosted("github://nobody"));
}

TEST(SourceRevision, PinsTheRefToACommit) {
  std::string c(40, 'a');
  EXPECT_EQ(parse_git_hosted("github://acme/shop:main/src")->with_ref(c), "github://acme/shop:" + c + "/src");
  EXPECT_EQ(parse_git_hosted("github://acme/shop")->with_ref(c), "github://acme/shop:" + c);
  EXPECT_TRUE(is_full_commit(c));
  EXPECT_FALSE(is_full_commit("abc1234"));
  EXPECT_FALSE(is_full_commit(std::string(40, 'g')));
}

TEST(SourceRevision, PicksBranchThenPeeledTagThenHead) {
  std::string b(40, 'b'), t(40, '1'), peeled(40, '2'), head(40, '3');
  std::string out = head + "\tHEAD\n" + b + "\trefs/heads/main\n" + t + "\trefs/tags/v1\n" + peeled +
                    "\trefs/tags/v1^{}\n" + "warning: something on stderr\n";
  EXPECT_EQ(commit_for_ref(out, "main"), b);
  EXPECT_EQ(commit_for_ref(out, "v1"), peeled);
  EXPECT_EQ(commit_for_ref(out, ""), head);
  EXPECT_EQ(commit_for_ref(out, "missing"), "");
  EXPECT_EQ(commit_for_ref(t + "\trefs/tags/v2\n", "v2"), t);
}

TEST(SourceRevision, APinnedCommitNeedsNoNetwork) {
  std::string c = "0123456789abcdef0123456789abcdef01234567";
  // Resolving must not run git at all: an unreachable host would fail otherwise.
  SourceRevision rev = resolve_source_revision("github://nowhere.invalid/none:" + c + "/src", {});
  EXPECT_EQ(rev.commit, c);
  EXPECT_FALSE(rev.looked_up);
  EXPECT_EQ(rev.repository, "github://nowhere.invalid/none:" + c + "/src");
  EXPECT_EQ(resolve_source_revision("tonel:///x", {}).commit, "");
}

}  // namespace
}  // namespace pharoctl
