#include "supervise/status_record.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "util/atomic_file.hpp"
#include "util/scratch_directory.hpp"

namespace pharoctl {
namespace {

StatusRecord sample() {
  StatusRecord r;
  ServiceStatus& s = r.status;
  s.name = "shop";
  s.state = "degraded";
  s.supervisor_pid = 812;
  s.ready = true;
  s.started_at = "2026-12-02T04:51:28.123Z";
  s.config_digest = "ab12";
  s.rollout = "deploy of 20261202-045128: health gate";
  r.recheck_by_ns = 93812000000;
  s.applied_app_files = std::vector<std::string>{"app.st", "lib/with\ttab.st", ""};
  InstanceStatus a;
  a.index = 0;
  a.state = "running";
  a.pid = 4242;
  a.started_at = "2026-12-02T04:51:29.000Z";
  a.restarts = 3;
  a.last_exit = ExitInfo{true, 9};
  a.health = HealthReport{true, 0.123456789, "HTTP 200", "2026-12-02T04:52:00.001Z"};
  a.http_port = 8080;
  a.telnet_port = 8081;
  a.metrics_port = 8082;
  a.image = "/home/p/shop/base/sim/shop image.image";
  a.last_words = "back\\slash and\nnewline";
  InstanceStatus b;
  b.index = 1;
  b.state = "backoff";
  b.restarts = 1;
  b.last_exit = ExitInfo{false, 1};
  b.health = HealthReport{false, 2000, "timeout after 2s", "2026-12-02T04:52:00.500Z"};
  b.reason = "restarting in 400ms (exit status 1)";
  s.instances = {a, b};
  r.vms = {{123456, 7000000001}, {}};
  return r;
}

void expect_same(const StatusRecord& x, const StatusRecord& y) {
  EXPECT_EQ(to_json(x.status).dump(), to_json(y.status).dump());
  EXPECT_EQ(x.recheck_by_ns, y.recheck_by_ns);
  EXPECT_EQ(x.status.applied_app_files, y.status.applied_app_files);
  ASSERT_EQ(x.vms.size(), y.vms.size());
  for (size_t k = 0; k < x.vms.size(); ++k) {
    EXPECT_EQ(x.vms[k].start_ticks, y.vms[k].start_ticks);
    EXPECT_EQ(x.vms[k].started_ns, y.vms[k].started_ns);
  }
}

TEST(StatusRecord, RoundTripsEveryField) {
  StatusRecord r = sample();
  std::string text = encode_status_record(r);
  auto back = decode_status_record(text);
  ASSERT_TRUE(back) << text;
  expect_same(r, *back);
  EXPECT_EQ(back->status.instances[0].last_words, "back\\slash and\nnewline");
  EXPECT_EQ(back->status.instances[0].health->latency_ms, 0.123456789);  // exactly
  EXPECT_EQ(encode_status_record(*back), text);
}

TEST(StatusRecord, RoundTripsAServiceWithoutInstancesOrHealth) {
  StatusRecord r;
  r.status.name = "idle";
  r.status.state = "stopping";
  auto back = decode_status_record(encode_status_record(r));
  ASSERT_TRUE(back);
  expect_same(r, *back);
}

TEST(StatusRecord, AFileCutShortAnywhereIsNoRecord) {
  std::string text = encode_status_record(sample());
  for (size_t n = 0; n < text.size(); ++n) EXPECT_FALSE(decode_status_record(text.substr(0, n))) << n;
}

TEST(StatusRecord, GarbageIsNoRecord) {
  std::string text = encode_status_record(sample());
  EXPECT_FALSE(decode_status_record(""));
  EXPECT_FALSE(decode_status_record("\x7f" "ELF\x02\x01\x01\n\0\0\0garbage\nend\n"));
  EXPECT_FALSE(decode_status_record(text + "trailing\n"));  // past "end"
  std::string bad_pid = text;
  bad_pid.replace(bad_pid.find("pid 4242"), 8, "pid 42x2");
  EXPECT_FALSE(decode_status_record(bad_pid));
  std::string skipped = text;
  skipped.replace(skipped.find("instance 1"), 10, "instance 2");  // instances out of order
  EXPECT_FALSE(decode_status_record(skipped));
  std::string bad_exit = text;
  bad_exit.replace(bad_exit.find("last_exit signal"), 16, "last_exit sigh");
  EXPECT_FALSE(decode_status_record(bad_exit));
}

TEST(StatusRecord, AnotherVersionIsNotRead) {
  std::string text = encode_status_record(sample());
  std::string old = "pharoctl-status 0" + text.substr(text.find('\n'));
  EXPECT_FALSE(decode_status_record(old));
  std::string newer = "pharoctl-status 2" + text.substr(text.find('\n'));
  EXPECT_FALSE(decode_status_record(newer));
  // Keys a newer writer of the same version adds are skipped.
  std::string more = text;
  more.insert(more.find("instance 0"), "future_key some value\n");
  auto back = decode_status_record(more);
  ASSERT_TRUE(back);
  expect_same(sample(), *back);
}

TEST(StatusRecordWriter, WritesOnChangeOnlyAndReadsBack) {
  ScratchDirectory scratch("status-record");
  auto path = scratch / "status";
  EXPECT_FALSE(read_status_record(path));
  StatusRecordWriter w(path);
  StatusRecord r = sample();
  ASSERT_TRUE(w.update(r));
  auto back = read_status_record(path);
  ASSERT_TRUE(back);
  expect_same(r, *back);
  struct stat first {};
  ASSERT_EQ(::stat(path.c_str(), &first), 0);
  ASSERT_TRUE(w.update(r));  // the same text: not written again
  struct stat second {};
  ASSERT_EQ(::stat(path.c_str(), &second), 0);
  EXPECT_EQ(first.st_ino, second.st_ino);
  r.status.instances[0].state = "unhealthy";
  ASSERT_TRUE(w.update(r));
  EXPECT_EQ(read_status_record(path)->status.instances[0].state, "unhealthy");
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  w.remove();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(StatusRecordWriter, AFailedWriteLeavesNoStaleRecord) {
  ScratchDirectory scratch("status-record");
  auto path = scratch / "status";
  StatusRecordWriter w(path);
  ASSERT_TRUE(w.update(sample()));
  // The temp file's name taken by a directory: the next write fails.
  std::filesystem::create_directory(path.string() + ".tmp");
  StatusRecord r = sample();
  r.status.state = "failed";
  EXPECT_FALSE(w.update(r));
  EXPECT_EQ(w.error(), EISDIR);  // what the supervisor tells, once
  EXPECT_FALSE(std::filesystem::exists(path));
  std::filesystem::remove(path.string() + ".tmp");
  EXPECT_TRUE(w.update(r));
  EXPECT_EQ(read_status_record(path)->status.state, "failed");
}

TEST(StatusRecordWriter, ADirectoryInTheRecordsPlaceStaysAndTheWriteFails) {
  ScratchDirectory scratch("status-record");
  auto path = scratch / "status";
  std::filesystem::create_directories(path / "inside");
  StatusRecordWriter w(path);
  EXPECT_FALSE(w.update(sample()));
  EXPECT_TRUE(std::filesystem::is_directory(path / "inside"));
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
}

TEST(StatusRecordWriter, AReaderThatOpenedTheOldRecordReadsItWhole) {
  ScratchDirectory scratch("status-record");
  auto path = scratch / "status";
  StatusRecordWriter w(path);
  StatusRecord r = sample();
  ASSERT_TRUE(w.update(r));
  std::ifstream old(path);  // a reader in the middle of its read
  r.status.instances[0].state = "unhealthy";
  ASSERT_TRUE(w.update(r));
  r.status.instances[0].state = "backoff";
  ASSERT_TRUE(w.update(r));  // and once more: the old file is not reused
  std::string text((std::istreambuf_iterator<char>(old)), std::istreambuf_iterator<char>());
  auto then = decode_status_record(text);
  ASSERT_TRUE(then);
  EXPECT_EQ(then->status.instances[0].state, sample().status.instances[0].state);
  EXPECT_EQ(read_status_record(path)->status.instances[0].state, "backoff");
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
}

}  // namespace
}  // namespace pharoctl
