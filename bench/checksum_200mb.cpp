// bench/checksum_200mb: the checksum `pharoctl install` computes for every runtime file, on a
// 200 MB file (page-cached, so the hash and not the disk is measured). Prints the medians of
// the hand-written SHA-256 pharoctl had before ("before"), of sha256_file on libcrypto as
// install runs it now ("after"), and of coreutils' sha256sum as the peer, all in the same run.
//
//   checksum_200mb [RUNS] [FILE]      default 5 runs on a fresh 200 MB file of random bytes
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "handwritten_sha256.hpp"
#include "process/run_command.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The read loop sha256_file had before, around the hand-written hash.
std::string handwritten_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + path.string());
  bench::HandwrittenSha256 h;
  std::vector<char> buf(1 << 16);
  for (ssize_t n; (n = ::read(fd, buf.data(), buf.size())) > 0;) h.update(buf.data(), static_cast<size_t>(n));
  ::close(fd);
  return h.hex_digest();
}

std::string coreutils_file(const fs::path& path) {
  pharoctl::RunRequest req;
  req.argv = {"sha256sum", path.string()};
  pharoctl::RunResult r = pharoctl::run_command(req);
  return r.output.substr(0, 64);
}

template <class F>
double time_ms(F&& f, std::string& digest) {
  auto t0 = Clock::now();
  digest = f();
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  fs::path file;
  fs::path scratch;
  if (argc > 2) {
    file = argv[2];
  } else {
    scratch = fs::temp_directory_path() / fmt::format("pharoctl-bench-checksum-{}", ::getpid());
    fs::create_directories(scratch);
    file = scratch / "200mb.bin";
    std::mt19937_64 rng(13);
    std::vector<uint64_t> chunk(1 << 17);
    FILE* out = std::fopen(file.c_str(), "wb");
    for (size_t written = 0; written < 200u * 1000 * 1000; written += chunk.size() * 8) {
      for (uint64_t& w : chunk) w = rng();
      std::fwrite(chunk.data(), 8, chunk.size(), out);
    }
    std::fclose(out);
  }
  double mb = static_cast<double>(fs::file_size(file)) / 1e6;
  std::string d_before, d_after, d_peer;
  time_ms([&] { return pharoctl::sha256_file(file); }, d_after);  // warms the page cache
  std::vector<double> before, after, peer;
  for (int i = 0; i < runs; ++i) {
    before.push_back(time_ms([&] { return handwritten_file(file); }, d_before));
    after.push_back(time_ms([&] { return pharoctl::sha256_file(file); }, d_after));
    peer.push_back(time_ms([&] { return coreutils_file(file); }, d_peer));
  }
  if (!scratch.empty()) fs::remove_all(scratch);
  if (d_before != d_after || d_after != d_peer) {
    fmt::print(stderr, "digests differ: before {} after {} sha256sum {}\n", d_before, d_after, d_peer);
    return 1;
  }
  double b = median(before), a = median(after), p = median(peer);
  fmt::print("checksum of {:.0f} MB, median of {} runs (digest {}...)\n", mb, runs, d_after.substr(0, 16));
  fmt::print("  before (hand-written SHA-256)  {:8.1f} ms  {:7.1f} MB/s\n", b, mb / b * 1000);
  fmt::print("  after  (libcrypto SHA-256)     {:8.1f} ms  {:7.1f} MB/s  {:.1f}x faster\n", a, mb / a * 1000, b / a);
  fmt::print("  peer   (coreutils sha256sum)   {:8.1f} ms  {:7.1f} MB/s\n", p, mb / p * 1000);
  return 0;
}
