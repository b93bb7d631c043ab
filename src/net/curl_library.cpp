#include "net/curl_library.hpp"

namespace pharoctl {

const CurlLibrary& curl_library() {
  return load_library<CurlLibrary>("libcurl.so.4", "libcurl4", [](const SharedLibrary& lib, CurlLibrary& t) {
    PHAROCTL_CURL_FUNCTIONS(PHAROCTL_BIND_FUNCTION)
    static_cast<void>(t.curl_global_init(CURL_GLOBAL_DEFAULT));  // once, here: not thread-safe in old libcurls
  });
}

}  // namespace pharoctl
