#pragma once
// run/status: what a running supervisor last recorded of its state, so that `status` can show
// the service without waking its supervisor (runit's supervise/status, in text). The supervisor
// rewrites it (temp file + rename, no fsync: runtime state) after a round of its loop that
// changed what `status` shows, never between a VM's end and the spawn of the next. A reader trusts
// it only together with the proof that its writer still runs (recorded_status.hpp).
//
// The format, one "key value" per line (values with \\ and \n escaped), version in the first
// line, "end" in the last so that a file cut short is never taken for a whole one:
//   pharoctl-status 1
//   name shop / state running / supervisor_pid 812 / ready 1 / started_at ... / config_digest ...
//   recheck_by_ns 93812000000          (steady clock; 0: the record holds until a change)
//   app_files app.st<TAB>lib/extra.st   (app_files() of the configuration running)
//   instance 0                          (then that instance's keys: state, pid, start_ticks,
//   state running                        started_ns, started_at, restarts, last_exit, health,
//   ...                                  health_at, health_detail, ports, image, reason, last_words)
//   end
// Unknown keys are skipped (a newer writer of the same version may add some); another version is
// not read at all (the reader then asks the control socket).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "supervise/service_status.hpp"

namespace pharoctl {

inline constexpr int kStatusRecordVersion = 1;

// What a reader needs beyond the status to prove an instance's VM and to say its uptime.
struct RecordedVm {
  std::uint64_t start_ticks = 0;  // /proc/PID/stat field 22 of the VM (0: none or unknown)
  std::int64_t started_ns = 0;    // its start on the steady (CLOCK_MONOTONIC) clock
};

struct StatusRecord {
  ServiceStatus status;  // without uptime_s and rss_bytes: the reader's, at the moment it reads
  std::vector<RecordedVm> vms;  // one per status.instances
  // Steady-clock nanoseconds by which the supervisor, if it is working, will have rewritten the
  // record (its next probe's answer or backoff's end, plus slack); 0 when nothing is due.
  std::int64_t recheck_by_ns = 0;
};

std::string encode_status_record(const StatusRecord& r);
// nullopt for anything that is not a whole record of this version.
std::optional<StatusRecord> decode_status_record(std::string_view text);
// The record at `path`, nullopt when absent, unreadable or not a whole record.
std::optional<StatusRecord> read_status_record(const std::filesystem::path& path);

// The supervisor's side: writes a record when its text differs from the one written last.
class StatusRecordWriter {
 public:
  explicit StatusRecordWriter(std::filesystem::path path);
  // False when the write failed; then no record is left at all (a stale one must not stay: the
  // reader falls back to the control socket).
  bool update(const StatusRecord& r);
  void remove();
  int error() const { return error_; }  // errno of the last failed update
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_;
  std::string last_;
  int error_ = 0;
};

}  // namespace pharoctl
