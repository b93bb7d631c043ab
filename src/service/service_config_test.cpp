#include "service/service_config.hpp"
#include "service/repository_rules.hpp"

#include <gtest/gtest.h>

#include "util/failure.hpp"

using namespace pharoctl;

namespace {
std::string error_of(const std::string& text) {
  try {
    parse_service_config(text, "service.toml");
  } catch (const Failure& f) {
    EXPECT_EQ(f.exit_code(), kExitUsage);
    return f.what();
  }
  return "";
}
}  // namespace

TEST(ServiceConfig, DefaultsFillEverythingButTheName) {
  ServiceConfig c = parse_service_config("name = \"shop\"\n", "service.toml");
  EXPECT_EQ(c.name, "shop");
  EXPECT_EQ(c.image, "shop");
  EXPECT_EQ(c.app.http_port, 8080);
  EXPECT_EQ(c.health_url(1), "http://127.0.0.1:42012/metrics/system.status");
  EXPECT_EQ(c.restart.backoff_initial, Millis(200));
}

TEST(ServiceConfig, ImageNameIsTheImageElseTheServiceName) {
  ServiceConfig c;
  c.name = "shop";
  EXPECT_EQ(c.image_name(), "shop");
  c.image = "Shop2";
  EXPECT_EQ(c.image_name(), "Shop2");
}

TEST(ServiceConfig, ReadsEverySection) {
  ServiceConfig c = parse_service_config(R"(
name = "shop"
runtime = "sim"
[source]
repository = "github://acme/shop:main/src"
baseline = "Shop"
groups = ["default", "Tests"]
strategy = "load-on-start"
[instances]
count = 3
[health]
interval = "2s"
timeout = "500ms"
[restart]
policy = "on-failure"
[stop]
timeout = "1m"
)", "service.toml");
  EXPECT_EQ(c.source.groups.size(), 2u);
  EXPECT_EQ(c.source.strategy, Strategy::LoadOnStart);
  EXPECT_EQ(c.instances, 3);
  EXPECT_EQ(c.health.timeout, Millis(500));
  EXPECT_EQ(c.restart.policy, RestartPolicy::OnFailure);
  EXPECT_EQ(c.stop_timeout, Millis(60'000));
}

TEST(ServiceConfig, ErrorsNameFileLineColumnAndField) {
  EXPECT_EQ(error_of("name = \"shop\"\n[app]\nhttp_port = \"80\"\n"),
            "service.toml:3:13: app.http_port: expected an integer, found a string");
  EXPECT_EQ(error_of("name = \"shop\"\ncolour = 1\n"),
            "service.toml:2:10: colour: unknown key (known keys: name, description, user, runtime, image, source, app, "
            "console, instances, health, restart, stop, logs, env)");
  EXPECT_NE(error_of("name = \"Shop\"\n").find("service.toml:1:8: name:"), std::string::npos);
  EXPECT_NE(error_of("name = \"shop\"\n[source]\nbaseline = \"BaselineOfShop\"\nrepository=\"github://a/b\"\n").find("write \"Shop\""),
            std::string::npos);
  EXPECT_NE(error_of("name = \"shop\"\n[console]\ntelnet_port = 8080\n").find("ports:"), std::string::npos);
  EXPECT_NE(error_of("name = \"shop\"\n[health]\ninterval = \"10\"\n").find("health.interval: expected a duration"),
            std::string::npos);
  EXPECT_NE(error_of("name = \"shop\"\nx = [\n").find("not valid TOML"), std::string::npos);
}

TEST(ServiceConfig, PortClashesBetweenInstances) {
  // http 8080 + 10*I reaches the telnet base when bases are 10 apart.
  EXPECT_NE(error_of("name = \"shop\"\n[app]\nhttp_port = 42001\n[console]\ntelnet_port = 42011\n[instances]\ncount = 2\n"),
            "");
}

TEST(Duration, ParsesAndFormats) {
  Millis d{};
  EXPECT_TRUE(parse_duration("200ms", d));
  EXPECT_EQ(d, Millis(200));
  EXPECT_TRUE(parse_duration("10m", d));
  EXPECT_EQ(d, Millis(600'000));
  EXPECT_FALSE(parse_duration("10", d));
  EXPECT_FALSE(parse_duration("s", d));
  EXPECT_FALSE(parse_duration("1.5s", d));
  EXPECT_EQ(format_duration(Millis(120'000)), "2m");
  EXPECT_EQ(format_duration(Millis(1500)), "1500ms");
}

TEST(ServiceConfig, EnvTableAndAppFiles) {
  ServiceConfig c = parse_service_config(
      "name = \"shop\"\n[app]\nfiles = [\"config.json\", \"static/site.css\"]\n[env]\nAPP_MODE = \"production\"\nB = \"2\"\n",
      "service.toml");
  EXPECT_EQ(c.env, (EnvTable{{"APP_MODE", "production"}, {"B", "2"}}));
  EXPECT_EQ(app_files(c), (std::vector<std::string>{"app.st", "config.json", "static/site.css"}));
  EXPECT_NE(error_of("name = \"shop\"\n[env]\nPHAROCTL_HTTP_PORT = \"1\"\n").find("env.PHAROCTL_HTTP_PORT:"), std::string::npos);
  EXPECT_NE(error_of("name = \"shop\"\n[env]\nGITHUB_TOKEN = \"x\"\n").find("credentials"), std::string::npos);
  EXPECT_NE(error_of("name = \"shop\"\n[env]\nA = 1\n").find("env.A: expected a string"), std::string::npos);
  EXPECT_NE(error_of("name = \"shop\"\n[app]\nfiles = [\"../x\"]\n").find("app.files:"), std::string::npos);
}

TEST(ServiceConfig, DurationsHaveAMaximum) {
  Millis d{};
  EXPECT_FALSE(parse_duration("99999999h", d));
  EXPECT_FALSE(parse_duration("31d", d));
  EXPECT_TRUE(parse_duration("30d", d));
  EXPECT_EQ(d, kMaxDuration);
  EXPECT_NE(error_of("name = \"shop\"\n[stop]\ntimeout = \"99999999h\"\n").find("stop.timeout: \"99999999h\" is out of range"),
            std::string::npos);
}

TEST(RepositoryRules, PerScheme) {
  for (const char* ok : {"github://acme/shop", "github://acme/shop:main", "github://acme/shop:v1.2/src",
                         "github://acme/shop/src/pkg", "gitlab://acme/shop:main/src", "gitlab://git.example.org:acme/shop",
                         "bitbucket://acme/shop:main", "tonel://src", "filetree:///srv/code/src", "gitlocal://../shop",
                         "http://smalltalkhub.example.org/mc/Shop/main", "https://[::1]:8443/mc"}) {
    EXPECT_EQ(check_repository(ok), "") << ok;
  }
  for (const char* bad : {"github://", "github://acme", "github://acme/", "github:///shop", "github://acme/shop:",
                          "github://acme/shop/../etc", "github://acme/shop//src", "github://-x/shop", "http://",
                          "https://:80/x", "https://host:99999/x", "tonel://", "ftp://x/y", "github://acme/sh op"}) {
    EXPECT_NE(check_repository(bad), "") << bad;
  }
  std::string creds = check_repository("https://bob:S3CRET@host/mc");
  EXPECT_NE(creds.find("credentials"), std::string::npos);
  EXPECT_EQ(creds.find("S3CRET"), std::string::npos);
  EXPECT_NE(check_repository("github://bob:tok@acme/shop").find("credentials"), std::string::npos);
  EXPECT_NE(check_repository("https://host/mc?private_token=x").find("credentials"), std::string::npos);
}
