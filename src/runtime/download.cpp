#include "runtime/download.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "net/curl_library.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// One attempt's state, shared with curl's callbacks through their user pointers.
struct Transfer {
  int fd = -1;
  curl_off_t resumed_from = 0;
  bool checked_status = false;
  bool write_failed = false;
  int write_errno = 0;
  CURL* curl = nullptr;
  // progress
  bool progress = false;
  std::string label;
  Clock::time_point started = Clock::now();
  Clock::time_point last_draw{};
  bool drew = false;
};

size_t on_data(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  if (!t->checked_status) {
    t->checked_status = true;
    long code = 0;
    curl_library().curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
    // Asked to resume but the server sends the whole file: start the file over.
    if (t->resumed_from > 0 && code == 200) {
      if (::ftruncate(t->fd, 0) != 0 || ::lseek(t->fd, 0, SEEK_SET) != 0) {
        t->write_failed = true;
        t->write_errno = errno;
        return 0;
      }
      t->resumed_from = 0;
    }
  }
  const char* p = data;
  size_t left = bytes;
  while (left > 0) {
    ssize_t n = ::write(t->fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      t->write_failed = true;
      t->write_errno = errno;
      return 0;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return bytes;
}

std::string format_seconds(double s) {
  auto total = static_cast<long>(s + 0.5);
  if (total >= 3600) return fmt::format("{}:{:02}:{:02}", total / 3600, (total / 60) % 60, total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

int on_progress(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (!t->progress) return 0;
  auto now = Clock::now();
  if (t->drew && now - t->last_draw < std::chrono::milliseconds(100)) return 0;
  t->last_draw = now;
  t->drew = true;
  double elapsed = std::chrono::duration<double>(now - t->started).count();
  double rate = elapsed > 0 ? static_cast<double>(dlnow) / elapsed : 0;
  auto have = static_cast<double>(dlnow + t->resumed_from);
  auto total = static_cast<double>(dltotal > 0 ? dltotal + t->resumed_from : 0);
  std::string line;
  if (total > 0) {
    constexpr int kWidth = 24;
    int filled = static_cast<int>(kWidth * have / total);
    std::string bar(static_cast<size_t>(std::min(filled, kWidth)), '=');
    bar.resize(kWidth, ' ');
    std::string left = rate > 0 ? format_seconds((total - have) / rate) + " left" : "";
    line = fmt::format("{} [{}] {:3.0f}% {} / {}  {}/s  {}", t->label, bar, 100.0 * have / total, format_bytes(have),
                       format_bytes(total), format_bytes(rate), left);
  } else {
    line = fmt::format("{} {}  {}/s", t->label, format_bytes(have), format_bytes(rate));
  }
  fmt::print(stderr, "\r{}\x1b[K", line);
  return 0;
}

bool retryable(CURLcode code, long http) {
  if (code == CURLE_HTTP_RETURNED_ERROR) return http >= 500 || http == 408 || http == 429;
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string format_bytes(double bytes) {
  if (bytes >= 1024.0 * 1024.0 * 1024.0) return fmt::format("{:.1f} GB", bytes / (1024.0 * 1024.0 * 1024.0));
  if (bytes >= 1024.0 * 1024.0) return fmt::format("{:.1f} MB", bytes / (1024.0 * 1024.0));
  if (bytes >= 1024.0) return fmt::format("{:.0f} kB", bytes / 1024.0);
  return fmt::format("{:.0f} B", bytes);
}

namespace {

// Opens DEST.part for this attempt, positioned at its end: what an earlier attempt kept is
// resumed from there.
void open_part(Transfer& t, const fs::path& part) {
  t.fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (t.fd < 0) throw operation_failed(fmt::format("cannot write {}: {}", part.string(), std::strerror(errno)));
  off_t end = ::lseek(t.fd, 0, SEEK_END);
  t.resumed_from = end > 0 ? end : 0;
}

void set_options(const CurlLibrary& lib, CURL* curl, const DownloadRequest& request, Transfer& t, char* error) {
  lib.curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  lib.curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  lib.curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  lib.curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  lib.curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  lib.curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  lib.curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 20L);
  // A stalled transfer (under 1 byte/s for 30 s) is an error to retry, not a hang.
  lib.curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  lib.curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 30L);
  lib.curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  lib.curl_easy_setopt(curl, CURLOPT_USERAGENT, "pharoctl/" PHAROCTL_VERSION);
  lib.curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  lib.curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
  lib.curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  lib.curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  lib.curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  lib.curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
  if (t.resumed_from > 0) lib.curl_easy_setopt(curl, CURLOPT_RESUME_FROM_LARGE, t.resumed_from);
}

struct Attempt {
  CURLcode code = CURLE_OK;
  long http = 0;
  std::string error;
};

// One attempt: DEST.part grows by what arrives; the file is synced and closed afterwards.
Attempt attempt_download(const DownloadRequest& request, const fs::path& part) {
  const CurlLibrary& lib = curl_library();
  Transfer t;
  t.progress = request.progress;
  t.label = request.dest.filename().string();
  open_part(t, part);
  if (t.resumed_from > 0) request.note(fmt::format("resuming {} at {}", t.label, format_bytes(static_cast<double>(t.resumed_from))));
  CURL* curl = lib.curl_easy_init();
  if (curl == nullptr) {
    ::close(t.fd);
    throw operation_failed(fmt::format("cannot download {}: cannot start an HTTP client (out of memory)", request.url));
  }
  t.curl = curl;
  char error[CURL_ERROR_SIZE] = "";
  set_options(lib, curl, request, t, error);
  Attempt a;
  a.code = lib.curl_easy_perform(curl);
  lib.curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a.http);
  lib.curl_easy_cleanup(curl);
  if (t.drew) fmt::print(stderr, "\r\x1b[K");
  ::fsync(t.fd);
  ::close(t.fd);
  if (t.write_failed) {
    throw operation_failed(fmt::format("cannot write {}: {}", part.string(), std::strerror(t.write_errno)));
  }
  a.error = error[0] ? error : lib.curl_easy_strerror(a.code);
  return a;
}

}  // namespace

void download_file(const DownloadRequest& request) {
  fs::path part = request.dest;
  part += ".part";
  fs::create_directories(request.dest.parent_path());
  std::string last_error;
  for (int attempt = 1; attempt <= request.attempts; ++attempt) {
    if (attempt > 1) {
      auto delay = std::chrono::milliseconds(250 << (attempt - 2));
      request.note(fmt::format("retrying in {} ms ({}; attempt {} of {})", delay.count(), last_error, attempt,
                               request.attempts));
      std::this_thread::sleep_for(delay);
    }
    Attempt a = attempt_download(request, part);
    if (a.code == CURLE_OK) {
      if (::rename(part.c_str(), request.dest.c_str()) != 0) {
        throw operation_failed(fmt::format("cannot rename {}: {}", part.string(), std::strerror(errno)));
      }
      return;
    }
    last_error = a.error;
    if (a.code == CURLE_HTTP_RETURNED_ERROR && a.http == 416) {
      // The range asked for lies beyond the file: what is kept is not a prefix of it. Start over.
      fs::remove(part);
      continue;
    }
    if (a.code == CURLE_HTTP_RETURNED_ERROR && a.http == 404) {
      fs::remove(part);
      throw operation_failed(fmt::format("cannot download {}: not found (HTTP 404); is the version right?", request.url));
    }
    if (!retryable(a.code, a.http)) break;
  }
  throw operation_failed(fmt::format("cannot download {}: {} (the part received is kept in {} and the next install "
                                     "resumes it)",
                                     request.url, last_error, part.string()));
}

}  // namespace pharoctl
