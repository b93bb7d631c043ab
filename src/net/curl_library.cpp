#include "net/curl_library.hpp"

#include "util/shared_library.hpp"

namespace pharoctl {

const CurlLibrary& curl_library() {
  static const CurlLibrary api = [] {
    SharedLibrary lib("libcurl.so.4", "libcurl4");
    CurlLibrary t{};
    lib.bind(t.easy_init, "curl_easy_init");
    lib.bind(t.easy_cleanup, "curl_easy_cleanup");
    lib.bind(t.easy_setopt, "curl_easy_setopt");
    lib.bind(t.easy_perform, "curl_easy_perform");
    lib.bind(t.easy_getinfo, "curl_easy_getinfo");
    lib.bind(t.easy_strerror, "curl_easy_strerror");
    decltype(&::curl_global_init) global_init = nullptr;
    lib.bind(global_init, "curl_global_init");
    static_cast<void>(global_init(CURL_GLOBAL_DEFAULT));  // once, here: not thread-safe in old libcurls
    return t;
  }();
  return api;
}

}  // namespace pharoctl
