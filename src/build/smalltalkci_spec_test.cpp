#include "build/smalltalkci_spec.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "util/failure.hpp"
#include "util/scratch_directory.hpp"

namespace pharoctl {
namespace {
namespace fs = std::filesystem;

std::string failure_of(const std::string& text) {
  try {
    pharo_load_spec(text, "proj/.smalltalk.ston");
  } catch (const Failure& f) {
    return f.what();
  }
  return "no error";
}

TEST(SmalltalkCiSpec, FirstSpecForPharo) {
  SmalltalkCiLoadSpec s = pharo_load_spec(R"(SmalltalkCISpec {
  #loading : [
    SCIMetacelloLoadSpec { #baseline : 'SqueakOnly', #platforms : [ #squeak ] },
    SCIGoferLoadSpec { #url : 'http://x', #package : 'P' },
    SCIMetacelloLoadSpec { #baseline : 'Shop', #directory : 'src', #load : 'Core', #platforms : [ #pharo, #gemstone ] }
  ]
})",
                                          "f");
  EXPECT_EQ(s.baseline, "Shop");
  EXPECT_EQ(s.directory, "src");
  EXPECT_EQ(s.load, std::vector<std::string>{"Core"});
  EXPECT_EQ(s.repository, "");

  SmalltalkCiLoadSpec any = pharo_load_spec(
      "SmalltalkCISpec { #loading : [ SCIMetacelloLoadSpec { #baseline : 'A', #repository : 'github://o/a:v1/src' } ] }", "f");
  EXPECT_EQ(any.baseline, "A");
  EXPECT_EQ(any.repository, "github://o/a:v1/src");
  EXPECT_TRUE(any.load.empty());
}

TEST(SmalltalkCiSpec, RefusesWhatPharoctlCannotBuild) {
  EXPECT_NE(failure_of("{ #loading : [] }").find("expected SmalltalkCISpec"), std::string::npos);
  EXPECT_NE(failure_of("SmalltalkCISpec { #testing : {} }").find("no #loading list"), std::string::npos);
  EXPECT_NE(failure_of("SmalltalkCISpec { #loading : [ SCIMetacelloLoadSpec { #baseline : 'A', #platforms : [ #squeak ] } ] }")
                .find("no SCIMetacelloLoadSpec that loads on #pharo (found: SCIMetacelloLoadSpec)"),
            std::string::npos);
  EXPECT_NE(failure_of("SmalltalkCISpec { #loading : [ SCIMetacelloLoadSpec { #configuration : 'Old' } ] }")
                .find("names #configuration 'Old'"),
            std::string::npos);
  EXPECT_NE(failure_of("SmalltalkCISpec { #loading : [ SCIMetacelloLoadSpec { #baseline : 'A', #load : 3 } ] }")
                .find("#load must be"),
            std::string::npos);
}

class SmalltalkCiProject : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_ / "src"); }
  void write(const fs::path& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }
  ScratchDirectory scratch_{"ston"};
  const fs::path dir_ = scratch_.path();
};

TEST_F(SmalltalkCiProject, DirectoryBecomesALocalRepositoryOfItsFormat) {
  write(".smalltalk.ston",
        "SmalltalkCISpec { #loading : [ SCIMetacelloLoadSpec { #baseline : 'Shop', #directory : 'src', #load : [ 'default', 'Tests' ] } ] }");
  SourceConfig filetree = source_from_smalltalk_ston(dir_ / ".smalltalk.ston");
  EXPECT_EQ(filetree.repository, "filetree://" + (dir_ / "src").string());
  EXPECT_EQ(filetree.baseline, "Shop");
  EXPECT_EQ(filetree.groups, (std::vector<std::string>{"default", "Tests"}));

  write("src/.properties", "{\n\t#format : #tonel\n}");
  EXPECT_EQ(source_from_smalltalk_ston(dir_ / ".smalltalk.ston").repository, "tonel://" + (dir_ / "src").string());
}

TEST_F(SmalltalkCiProject, ServiceConfigTakesItsSourceFromTheFile) {
  write(".smalltalk.ston", "SmalltalkCISpec { #loading : [ SCIMetacelloLoadSpec { #baseline : 'Shop' } ] }");
  ServiceConfig c = default_service_config("shop");
  c.source.smalltalk_ston = ".smalltalk.ston";
  ServiceConfig eff = with_smalltalk_ston(c, dir_);
  EXPECT_EQ(eff.source.repository, "filetree://" + dir_.string());
  EXPECT_EQ(eff.source.baseline, "Shop");
  EXPECT_EQ(eff.source.groups, std::vector<std::string>{"default"});
  EXPECT_EQ(with_smalltalk_ston(default_service_config("x"), dir_).source.repository, "");
}

TEST_F(SmalltalkCiProject, MissingFileOrDirectoryIsAUsageError) {
  EXPECT_THROW(source_from_smalltalk_ston(dir_ / "none.ston"), Failure);
  write(".smalltalk.ston", "SmalltalkCISpec { #loading : [ SCIMetacelloLoadSpec { #baseline : 'S', #directory : 'nope' } ] }");
  try {
    source_from_smalltalk_ston(dir_ / ".smalltalk.ston");
    FAIL();
  } catch (const Failure& f) {
    EXPECT_EQ(f.exit_code(), kExitUsage);
    EXPECT_NE(std::string(f.what()).find("#directory 'nope'"), std::string::npos);
  }
}

}  // namespace
}  // namespace pharoctl
