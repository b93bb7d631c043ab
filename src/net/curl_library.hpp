#pragma once
// libcurl, opened on first use (util/shared_library.hpp): the functions the HTTP client
// (http_request.cpp) and the runtime download (runtime/download.cpp) call. Compiled against
// libcurl's header, not linked. curl_global_init has run once the table is returned.
#define CURL_DISABLE_TYPECHECK  // the setopt/getinfo type checks are macros over the linked names
#include <curl/curl.h>

#include "util/shared_library.hpp"

#define PHAROCTL_CURL_FUNCTIONS(F)                                                                  \
  F(curl_global_init) F(curl_easy_init) F(curl_easy_cleanup) F(curl_easy_setopt) F(curl_easy_perform) \
  F(curl_easy_getinfo) F(curl_easy_strerror)

namespace pharoctl {

struct CurlLibrary {
  PHAROCTL_CURL_FUNCTIONS(PHAROCTL_DECLARE_FUNCTION)
};

// Throws Failure(kExitFailed) naming libcurl.so.4 and its Debian package when it cannot be loaded.
const CurlLibrary& curl_library();

}  // namespace pharoctl
