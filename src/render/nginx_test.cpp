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
  o.listen = {"127.0.0.1:8000"};
  std::string s = render_nginx_site(c, ServicePaths("/srv/pharo/shop", "shop"), o);
  EXPECT_NE(s.find("listen 127.0.0.1:8000;"), std::string::npos);
  EXPECT_NE(s.find("proxy_pass http://pharoctl_shop;"), std::string::npos);
  EXPECT_NE(s.find("proxy_next_upstream error timeout http_502 http_503 http_504;"), std::string::npos);
  EXPECT_NE(s.find("/srv/pharo/shop/service.toml"), std::string::npos);
}

TEST(Nginx, DefaultsListenOnBothFamiliesAndPassWebSockets) {
  ServiceConfig c = default_service_config("my-shop");
  NginxOptions o;
  o.server_names = {"shop.example.com", "www.shop.example.com"};
  std::string s = render_nginx_site(c, ServicePaths("/srv/pharo/my-shop", "my-shop"), o);
  EXPECT_NE(s.find("    listen 80;\n    listen [::]:80;\n"), std::string::npos);
  EXPECT_NE(s.find("server_name shop.example.com www.shop.example.com;"), std::string::npos);
  EXPECT_EQ(s.find("server_name _"), std::string::npos);
  EXPECT_NE(s.find("map $http_upgrade $pharoctl_my_shop_connection {"), std::string::npos);
  EXPECT_NE(s.find("proxy_set_header Upgrade $http_upgrade;"), std::string::npos);
  EXPECT_NE(s.find("proxy_set_header Connection $pharoctl_my_shop_connection;"), std::string::npos);
  EXPECT_EQ(s.find("Connection \"\""), std::string::npos);
}

TEST(Nginx, StickyHashesOnARouteCookieWithoutBackups) {
  ServiceConfig c = default_service_config("shop");
  c.instances = 3;
  NginxOptions o;
  o.sticky = true;
  std::string s = render_nginx_site(c, ServicePaths("/srv/pharo/shop", "shop"), o);
  EXPECT_NE(s.find("hash $pharoctl_shop_route consistent;"), std::string::npos);
  EXPECT_EQ(s.find("backup"), std::string::npos);
  EXPECT_EQ(s.find("ip_hash"), std::string::npos);
  EXPECT_NE(s.find("server 127.0.0.1:8100 max_fails=0;"), std::string::npos);
  EXPECT_NE(s.find("add_header Set-Cookie $pharoctl_shop_set_route always;"), std::string::npos);
  // The balancing method comes before keepalive, as nginx requires.
  EXPECT_LT(s.find("hash $pharoctl_shop_route"), s.find("keepalive 16;"));
}

TEST(Nginx, TlsAddsSslToListenIncludesTheSnippetAndRedirectsPlainHttp) {
  ServiceConfig c = default_service_config("shop");
  NginxOptions o;
  o.tls_snippet = "snippets/snakeoil.conf";
  std::string s = render_nginx_site(c, ServicePaths("/srv/pharo/shop", "shop"), o);
  EXPECT_NE(s.find("    listen 443 ssl;\n    listen [::]:443 ssl;\n"), std::string::npos);
  EXPECT_NE(s.find("    include snippets/snakeoil.conf;\n"), std::string::npos);
  EXPECT_NE(s.find("return 301 https://$host$request_uri;"), std::string::npos);
  o.listen = {"127.0.0.1:8443 default_server", "[::1]:8444 ssl"};
  s = render_nginx_site(c, ServicePaths("/srv/pharo/shop", "shop"), o);
  EXPECT_NE(s.find("    listen 127.0.0.1:8443 ssl default_server;\n    listen [::1]:8444 ssl;\n"), std::string::npos);
  EXPECT_EQ(s.find("return 301"), std::string::npos);  // explicit listen: no port-80 server of ours
}

TEST(Nginx, ChecksValuesBeforeTheyReachTheFile) {
  for (const char* ok : {"80", "127.0.0.1:8000", "[::]:80", "[::1]:8443 ssl", "*:80", "localhost:80 default_server"})
    EXPECT_EQ(check_nginx_listen(ok), "") << ok;
  for (const char* bad : {"", "80;", "0", "70000", "127.0.0.1", "[::]80", "80 bogus", "80 {", "a b:80"})
    EXPECT_NE(check_nginx_listen(bad), "") << bad;
  for (const char* ok : {"shop.example.com", "*.example.com", ".example.com", "localhost"})
    EXPECT_EQ(check_nginx_server_name(ok), "") << ok;
  for (const char* bad : {"", "_", "a b", "x;y", "x}", "x#", "~^www\\\\d+$"}) EXPECT_NE(check_nginx_server_name(bad), "") << bad;
  EXPECT_NE(check_nginx_server_name("_").find("default site"), std::string::npos);
  EXPECT_EQ(check_nginx_include_path("/etc/nginx/snippets/tls.conf"), "");
  EXPECT_NE(check_nginx_include_path("a;b"), "");
}
