#include "net/curl_library.hpp"

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

// Every function of the table resolves in the libcurl installed, and it works.
TEST(CurlLibrary, TableResolves) {
  const CurlLibrary& curl = curl_library();
  EXPECT_STREQ(curl.curl_easy_strerror(CURLE_OK), "No error");
  CURL* h = curl.curl_easy_init();
  ASSERT_NE(h, nullptr);
  curl.curl_easy_cleanup(h);
}

}  // namespace
}  // namespace pharoctl
