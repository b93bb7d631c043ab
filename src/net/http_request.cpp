#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "net/curl_library.hpp"
#include "net/http_client.hpp"
#include "util/failure.hpp"

namespace pharoctl {

namespace {

constexpr size_t kMaxBody = 64 * 1024 * 1024;

struct Exchange {
  HttpResponse response;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* x = static_cast<Exchange*>(user);
  size_t n = size * count;
  if (x->response.body.size() + n > kMaxBody) {
    x->too_large = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  x->response.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* x = static_cast<Exchange*>(user);
  size_t n = size * count;
  std::string line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    x->response.headers.clear();  // a new status line (after a 100 Continue): the headers start again
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string value = line.substr(colon + 1);
  value.erase(0, value.find_first_not_of(" \t"));
  x->response.headers[name] = value;
  return n;
}

}  // namespace

HttpResponse http_request(const std::string& method, const std::string& url, std::chrono::milliseconds timeout) {
  HttpUrl u;
  if (!parse_http_url(url, u)) throw operation_failed(fmt::format("{}: not an http://HOST:PORT/PATH URL", url));
  const CurlLibrary& lib = curl_library();
  std::unique_ptr<CURL, void (*)(CURL*)> curl(lib.easy_init(), lib.easy_cleanup);
  if (!curl) throw operation_failed(fmt::format("{}: cannot start an HTTP client (out of memory)", url));
  Exchange x;
  char error[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  lib.easy_setopt(h, CURLOPT_URL, url.c_str());
  lib.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
  lib.easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") lib.easy_setopt(h, CURLOPT_NOBODY, 1L);
  lib.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  lib.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(h, CURLOPT_NOPROXY, "*");  // loopback endpoints: never through http_proxy
  lib.easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
  lib.easy_setopt(h, CURLOPT_USERAGENT, "pharoctl/" PHAROCTL_VERSION);
  lib.easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  lib.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  lib.easy_setopt(h, CURLOPT_WRITEDATA, &x);
  lib.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  lib.easy_setopt(h, CURLOPT_HEADERDATA, &x);
  CURLcode code = lib.easy_perform(h);
  if (x.too_large) throw operation_failed(fmt::format("{}: answer larger than 64 MiB", url));
  if (code == CURLE_OPERATION_TIMEDOUT) {
    throw operation_failed(fmt::format("{}: timed out after {} ms waiting for the answer", url, timeout.count()));
  }
  if (code == CURLE_COULDNT_CONNECT) {
    // The OS's word ("Connection refused") says more to an operator than curl's summary.
    long os_errno = 0;
    lib.easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
    if (os_errno != 0) throw operation_failed(fmt::format("{}: {}", url, std::strerror(static_cast<int>(os_errno))));
  }
  if (code != CURLE_OK) throw operation_failed(fmt::format("{}: {}", url, error[0] ? error : lib.easy_strerror(code)));
  long status = 0;
  lib.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  x.response.status = static_cast<int>(status);
  return x.response;
}

}  // namespace pharoctl
