#include "deploy/push_repository.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include "util/atomic_file.hpp"

namespace fs = std::filesystem;
using namespace pharoctl;

TEST(PushRepository, SubdirOfHostedRepositories) {
  EXPECT_EQ(repository_subdir("github://acme/shop:main/src"), "src");
  EXPECT_EQ(repository_subdir("github://acme/shop/src/pharo/"), "src/pharo");
  EXPECT_EQ(repository_subdir("github://acme/shop:v1.2"), "");
  EXPECT_EQ(repository_subdir("gitlab://acme/shop:main/repository"), "repository");
  EXPECT_EQ(repository_subdir("tonel:///srv/shop/src"), "");
  EXPECT_EQ(repository_subdir(""), "");
}

TEST(PushRepository, LocalRepositoryFormatFromTheCheckout) {
  fs::path d = fs::temp_directory_path() / ("pharoctl-push-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d / "src" / "BaselineOfShop");
  write_file_atomic(d / "src" / ".properties", "{\n\t#format : #tonel\n}\n");
  EXPECT_EQ(local_source_repository(d, "github://acme/shop:main/src"), "tonel://" + (d / "src").string());
  fs::remove(d / "src" / ".properties");
  fs::create_directories(d / "src" / "BaselineOfShop.package");
  EXPECT_EQ(local_source_repository(d, "github://acme/shop:main/src"), "filetree://" + (d / "src").string());
  fs::remove_all(d);
}

TEST(PushRepository, HookIsValidShellNamingEverything) {
  ServicePaths p("/srv/pharo/o'brien", "obrien");
  PushRepositoryOptions o;
  o.pharoctl = "/usr/local/bin/pharoctl";
  o.home = "/srv/pharo";
  std::string hook = render_pre_receive_hook(p, o);
  EXPECT_EQ(hook.rfind("#!/bin/sh\n", 0), 0u);
  EXPECT_NE(hook.find("PHAROCTL='/usr/local/bin/pharoctl'"), std::string::npos);
  EXPECT_NE(hook.find("REPO='/srv/pharo/o'\\''brien/repo.git'"), std::string::npos);
  EXPECT_NE(hook.find("deploy \"$SERVICE\" --source \"$CHECKOUT\""), std::string::npos);
  fs::path f = fs::temp_directory_path() / ("pharoctl-hook-" + std::to_string(::getpid()));
  write_file_atomic(f, hook, 0755);
  EXPECT_EQ(std::system(("sh -n '" + f.string() + "'").c_str()), 0);
  fs::remove(f);
}
