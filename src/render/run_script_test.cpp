#include "render/run_script.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "util/atomic_file.hpp"
#include "util/scratch_directory.hpp"

using namespace pharoctl;
namespace fs = std::filesystem;

TEST(RunScript, StartsTheReplThenFilesInAppThenStartsTheMetrics) {
  ServiceConfig c = parse_service_config("name = \"shop\"\n[instances]\ncount = 2\n", "service.toml");
  ServicePaths p("/srv/pharo/shop", "shop");
  std::string s = render_run_script(c, p, 1);
  EXPECT_NE(s.find("(NeoConsoleTranscript onFileNamed: 'logs/server.1-{1}.log') install."), std::string::npos);
  EXPECT_NE(s.find("NeoConsoleTelnetServer startOn: 42011."), std::string::npos);
  EXPECT_NE(s.find("NeoConsoleMetricDelegate startOn: 42012."), std::string::npos);
  EXPECT_LT(s.find("hasClassNamed: #NeoConsoleTelnetServer"), s.find("NeoConsoleTranscript"));
  // The REPL before the start code, the metrics (the default health check) after it.
  auto app = s.find("at: 'PHAROCTL_APP_START' ifAbsent: [ 'app.st' ]) asFileReference fileIn.");
  ASSERT_NE(app, std::string::npos);
  EXPECT_LT(s.find("NeoConsoleTelnetServer"), app);
  EXPECT_GT(s.find("NeoConsoleMetricDelegate"), app);
  EXPECT_EQ(s.find("Metacello new\n  repository: 'github://acme"), std::string::npos);
}

TEST(RunScript, InAContainerTheTranscriptGoesToStdout) {
  ServiceConfig c = parse_service_config("name = \"shop\"\n", "service.toml");
  ServicePaths p("/srv/pharo/shop", "shop");
  std::string s = render_run_script(c, p, 0, TranscriptTarget::Stdout);
  EXPECT_NE(s.find("NonInteractiveTranscript stdout install."), std::string::npos);
  EXPECT_EQ(s.find("NeoConsoleTranscript onFileNamed:"), std::string::npos);
  EXPECT_NE(s.find("NeoConsoleTelnetServer startOn: 42001."), std::string::npos);
}

TEST(RunScript, LoadOnStartLoadsTheBaselineBeforeApp) {
  ServiceConfig c = parse_service_config(
      "name = \"shop\"\n[source]\nrepository = \"github://acme/shop:main/src\"\nbaseline = \"Shop\"\n"
      "strategy = \"load-on-start\"\n[app]\nstart = \"src/start.st\"\n",
      "service.toml");
  std::string s = render_run_script(c, ServicePaths("/x/shop", "shop"), 0);
  auto load = s.find("repository: 'github://acme/shop:main/src'");
  ASSERT_NE(load, std::string::npos);
  EXPECT_LT(load, s.find("at: 'PHAROCTL_APP_START' ifAbsent: [ 'src/start.st' ]) asFileReference fileIn."));
}

TEST(RunScript, WriteRemovesScriptsOfGoneInstances) {
  ScratchDirectory scratch("run-script");
  ServicePaths p(scratch / "shop", "shop");
  ServiceConfig three = parse_service_config("name = \"shop\"\n[instances]\ncount = 3\n", "service.toml");
  EXPECT_TRUE(write_run_scripts(three, p));
  EXPECT_FALSE(write_run_scripts(three, p));  // unchanged content: nothing written
  write_file_atomic(p.run() / "run-other.st", "x");
  ServiceConfig one = parse_service_config("name = \"shop\"\n", "service.toml");
  EXPECT_TRUE(write_run_scripts(one, p));
  EXPECT_TRUE(fs::exists(p.run() / "run-shop.st"));
  EXPECT_FALSE(fs::exists(p.run() / "run-shop.0.st"));
  EXPECT_FALSE(fs::exists(p.run() / "run-shop.2.st"));
  EXPECT_TRUE(fs::exists(p.run() / "run-other.st"));
}
