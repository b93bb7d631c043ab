#pragma once
// libcurl, opened on first use (util/shared_library.hpp): the functions the HTTP client
// (http_request.cpp) and the runtime download (runtime/download.cpp) call. Compiled against
// libcurl's header, not linked. curl_global_init has run once the table is returned.
#define CURL_DISABLE_TYPECHECK  // the setopt/getinfo type checks are macros over the linked names
#include <curl/curl.h>

namespace pharoctl {

struct CurlLibrary {
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_strerror) easy_strerror;
};

// Throws Failure(kExitFailed) naming libcurl.so.4 and its Debian package when it cannot be loaded.
const CurlLibrary& curl_library();

}  // namespace pharoctl
