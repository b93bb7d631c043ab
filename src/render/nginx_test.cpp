#include "render/nginx.hpp"

#include <gtest/gtest.h>

using namespace pharoctl;

TEST(Nginx, UpstreamListsEveryInstanceWithPassiveHealth) {
  ServiceConfig c = default_service_config("my-shop");
  c.app.http_port = 8100;
  c.instances = 3;
  std::string u = render_nginx_upstream(c);
  EXPECT_NE(u.find("upstream pharoctl_my_shop {"), std::string::npos);
  for (int port : {8100, 8110, 8120}) {
    EXPECT_NE(u.find("server 127.0.0.1:" + std::to_string(port) + " max_fails=1 fail_timeout=2s;"), std::string::npos);
    EXPECT_NE(u.find("server 127.0.0.1:" + std::to_string(port) + " backup max_fails=0;"), std::string::npos);
  }
  EXPECT_EQ(u.find("8130"), std::string::npos);
}

TEST(Nginx, OneInstanceHasNoBackups) {
  ServiceConfig c = default_service_config("shop");
  std::string u = render_nginx_upstream(c);
  EXPECT_NE(u.find("server 127.0.0.1:8080 max_fails=1"), std::string::npos);
  EXPECT_EQ(u.find("backup"), std::string::npos);
}

TEST(Nginx, SiteRetriesTheNextInstanceOnErrors) {
  ServiceConfig c = default_service_config("shop");
  c.instances = 2;
  NginxOptions o;
  o.listen = "127.0.0.1:8000";
  std::string s = render_nginx_site(c, ServicePaths("/srv/pharo/shop", "shop"), o);
  EXPECT_NE(s.find("listen 127.0.0.1:8000;"), std::string::npos);
  EXPECT_NE(s.find("proxy_pass http://pharoctl_shop;"), std::string::npos);
  EXPECT_NE(s.find("proxy_next_upstream error timeout http_502 http_503 http_504;"), std::string::npos);
  EXPECT_NE(s.find("/srv/pharo/shop/service.toml"), std::string::npos);
}
