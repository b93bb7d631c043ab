#include "build/source_revision.hpp"

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

TEST(SourceRevision, ParsesMetacelloHostingUrls) {
  struct Case {
    const char* url;
    const char *owner, *project, *ref, *path, *https;
  };
  const Case cases[] = {
      {"github://svenvc/NeoConsole:master/src", "svenvc", "NeoConsole", "master", "src",
       "https://github.com/svenvc/NeoConsole.git"},
      {"github://acme/shop", "acme", "shop", "", "", "https://github.com/acme/shop.git"},
      {"gitlab://acme/shop/src/pharo", "acme", "shop", "", "src/pharo", "https://gitlab.com/acme/shop.git"},
      {"bitbucket://acme/shop:v1.2.0", "acme", "shop", "v1.2.0", "", "https://bitbucket.org/acme/shop.git"},
  };
  for (const Case& c : cases) {
    auto r = parse_git_hosted(c.url);
    ASSERT_TRUE(r) << c.url;
    EXPECT_EQ(r->owner, c.owner) << c.url;
    EXPECT_EQ(r->project, c.project) << c.url;
    EXPECT_EQ(r->ref, c.ref) << c.url;
    EXPECT_EQ(r->path, c.path) << c.url;
    EXPECT_EQ(r->https_url(), c.https) << c.url;
  }
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
