#pragma once
// Fetches one file over HTTP(S) with libcurl (loaded on first use: net/curl_library.hpp):
// retries with backoff, resumes what an earlier attempt left in DEST.part (Range), a progress bar
// on a terminal (bytes, rate, time left), and DEST appears only once complete.
#include <filesystem>
#include <functional>
#include <string>

namespace pharoctl {

struct DownloadRequest {
  std::string url;
  std::filesystem::path dest;
  bool progress = false;  // draw the bar on stderr
  int attempts = 4;
  std::function<void(const std::string&)> note = [](const std::string&) {};
};

// Throws Failure(kExitFailed) "cannot download URL: reason" after the last attempt; a 404 is not
// retried.
void download_file(const DownloadRequest& request);

// "12.3 MB", "512 kB", "17 B"
std::string format_bytes(double bytes);

}  // namespace pharoctl
