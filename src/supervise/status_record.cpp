#include "supervise/status_record.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include <fmt/format.h>

namespace pharoctl {

namespace {

constexpr std::string_view kMagic = "pharoctl-status";

void escape_into(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else out.push_back(c);
  }
}

void put(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;  // absent means empty
  out.append(key).push_back(' ');
  escape_into(out, value);
  out.push_back('\n');
}

// A list: its items escaped, joined by tabs.
void put_list(std::string& out, std::string_view key, const std::vector<std::string>& items) {
  out.append(key).push_back(' ');
  for (size_t k = 0; k < items.size(); ++k) {
    if (k > 0) out.push_back('\t');
    escape_into(out, items[k]);
  }
  out.push_back('\n');
}

template <typename N>
void put_number(std::string& out, std::string_view key, N n) {
  fmt::format_to(std::back_inserter(out), "{} {}\n", key, n);
}

void put_instance(std::string& out, const InstanceStatus& i, const RecordedVm& vm) {
  put_number(out, "instance", i.index);
  put(out, "state", i.state);
  put_number(out, "pid", i.pid);
  put_number(out, "start_ticks", vm.start_ticks);
  put_number(out, "started_ns", vm.started_ns);
  put(out, "started_at", i.started_at);
  put_number(out, "restarts", i.restarts);
  if (i.last_exit) fmt::format_to(std::back_inserter(out), "last_exit {} {}\n", i.last_exit->signaled ? "signal" : "status", i.last_exit->code);
  if (i.health) {
    fmt::format_to(std::back_inserter(out), "health {} {}\n", i.health->ok ? 1 : 0, i.health->latency_ms);
    put(out, "health_at", i.health->at);
    put(out, "health_detail", i.health->detail);
  }
  put_number(out, "http_port", i.http_port);
  put_number(out, "telnet_port", i.telnet_port);
  put_number(out, "metrics_port", i.metrics_port);
  put(out, "image", i.image);
  put(out, "reason", i.reason);
  put(out, "last_words", i.last_words);
  put(out, "stale_pid_file", i.stale_pid_file);
}

std::string unescape(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t k = 0; k < v.size(); ++k) {
    if (v[k] == '\\' && k + 1 < v.size()) {
      ++k;
      out.push_back(v[k] == 'n' ? '\n' : v[k] == 't' ? '\t' : v[k]);
    } else {
      out.push_back(v[k]);
    }
  }
  return out;
}

std::vector<std::string> split_list(std::string_view v) {
  std::vector<std::string> items;
  for (;;) {
    size_t tab = v.find('\t');
    items.push_back(unescape(v.substr(0, tab)));
    if (tab == std::string_view::npos) return items;
    v.remove_prefix(tab + 1);
  }
}

template <typename N>
bool number(std::string_view v, N& n) {
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  return ec == std::errc() && end == v.data() + v.size();
}

bool exit_info(std::string_view v, std::optional<ExitInfo>& e) {
  size_t sp = v.find(' ');
  if (sp == std::string_view::npos) return false;
  ExitInfo x;
  x.signaled = v.substr(0, sp) == "signal";
  if (!x.signaled && v.substr(0, sp) != "status") return false;
  if (!number(v.substr(sp + 1), x.code)) return false;
  e = x;
  return true;
}

bool health(std::string_view v, std::optional<HealthReport>& h) {
  size_t sp = v.find(' ');
  if (sp == std::string_view::npos || (v.substr(0, sp) != "0" && v.substr(0, sp) != "1")) return false;
  HealthReport r;
  r.ok = v[0] == '1';
  if (!number(v.substr(sp + 1), r.latency_ms)) return false;
  h = r;
  return true;
}

// One instance key; false when its value is malformed. Unknown keys are fine.
bool instance_key(std::string_view key, std::string_view v, InstanceStatus& i, RecordedVm& vm) {
  if (key == "state") i.state = unescape(v);
  else if (key == "pid") return number(v, i.pid);
  else if (key == "start_ticks") return number(v, vm.start_ticks);
  else if (key == "started_ns") return number(v, vm.started_ns);
  else if (key == "started_at") i.started_at = unescape(v);
  else if (key == "restarts") return number(v, i.restarts);
  else if (key == "last_exit") return exit_info(v, i.last_exit);
  else if (key == "health") return health(v, i.health);
  else if (key == "health_at" && i.health) i.health->at = unescape(v);
  else if (key == "health_detail" && i.health) i.health->detail = unescape(v);
  else if (key == "http_port") return number(v, i.http_port);
  else if (key == "telnet_port") return number(v, i.telnet_port);
  else if (key == "metrics_port") return number(v, i.metrics_port);
  else if (key == "image") i.image = unescape(v);
  else if (key == "reason") i.reason = unescape(v);
  else if (key == "last_words") i.last_words = unescape(v);
  else if (key == "stale_pid_file") i.stale_pid_file = unescape(v);
  return true;
}

bool service_key(std::string_view key, std::string_view v, StatusRecord& r) {
  ServiceStatus& s = r.status;
  if (key == "name") s.name = unescape(v);
  else if (key == "state") s.state = unescape(v);
  else if (key == "supervisor_pid") return number(v, s.supervisor_pid);
  else if (key == "ready") s.ready = v == "1";
  else if (key == "started_at") s.started_at = unescape(v);
  else if (key == "reason") s.reason = unescape(v);
  else if (key == "config_digest") s.config_digest = unescape(v);
  else if (key == "rollout") s.rollout = unescape(v);
  else if (key == "recheck_by_ns") return number(v, r.recheck_by_ns);
  else if (key == "app_files") s.applied_app_files = split_list(v);
  return true;
}

}  // namespace

std::string encode_status_record(const StatusRecord& r) {
  const ServiceStatus& s = r.status;
  std::string out;
  out.reserve(512 + 384 * s.instances.size());
  fmt::format_to(std::back_inserter(out), "{} {}\n", kMagic, kStatusRecordVersion);
  put(out, "name", s.name);
  put(out, "state", s.state);
  put_number(out, "supervisor_pid", s.supervisor_pid);
  put_number(out, "ready", s.ready ? 1 : 0);
  put(out, "started_at", s.started_at);
  put(out, "reason", s.reason);
  put(out, "config_digest", s.config_digest);
  put(out, "rollout", s.rollout);
  put_number(out, "recheck_by_ns", r.recheck_by_ns);
  if (s.applied_app_files) put_list(out, "app_files", *s.applied_app_files);
  for (size_t k = 0; k < s.instances.size(); ++k)
    put_instance(out, s.instances[k], k < r.vms.size() ? r.vms[k] : RecordedVm{});
  out += "end\n";
  return out;
}

std::optional<StatusRecord> decode_status_record(std::string_view text) {
  StatusRecord r;
  bool header = false;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;  // cut short within a line
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    size_t sp = line.find(' ');
    std::string_view key = line.substr(0, sp);
    std::string_view value = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    if (!header) {
      if (key != kMagic || value != fmt::format("{}", kStatusRecordVersion)) return std::nullopt;
      header = true;
    } else if (key == "end") {
      if (!text.empty()) return std::nullopt;
      r.vms.resize(r.status.instances.size());
      return r;
    } else if (key == "instance") {
      InstanceStatus i;
      if (!number(value, i.index) || i.index != static_cast<int>(r.status.instances.size())) return std::nullopt;
      r.status.instances.push_back(i);
      r.vms.emplace_back();
    } else if (r.status.instances.empty() ? !service_key(key, value, r)
                                          : !instance_key(key, value, r.status.instances.back(), r.vms.back())) {
      return std::nullopt;
    }
  }
  return std::nullopt;  // no "end": cut short
}

std::optional<StatusRecord> read_status_record(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || text.size() > (1u << 20)) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return decode_status_record(text);
}

namespace {

// `fresh` into `path`'s place, atomically for readers. Not rename(2) over the old record: ext4
// (auto_da_alloc) then starts the writeback of the new file within the rename, measured at
// 150-250 us a record here and up to milliseconds, at every write. Exchanged with the old one
// instead, whose name is then removed: a reader that has it open reads it whole still.
bool replace_with(const std::filesystem::path& fresh, const std::filesystem::path& path) {
  if (::renameat2(AT_FDCWD, fresh.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) == 0) {
    if (::unlink(fresh.c_str()) == 0) return true;  // the old record, by its new name
    // Not a file that was there (a directory): back as it was, and fail as rename(2) would.
    ::renameat2(AT_FDCWD, fresh.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE);
  }
  // No record yet (ENOENT), or a file system without the exchange (EINVAL).
  return ::rename(fresh.c_str(), path.c_str()) == 0;
}

}  // namespace

StatusRecordWriter::StatusRecordWriter(std::filesystem::path path)
    : path_(std::move(path)), temp_(path_.string() + ".tmp") {}

bool StatusRecordWriter::update(const StatusRecord& r) {
  std::string text = encode_status_record(r);
  if (text == last_) return true;
  int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0;
  error_ = ok ? 0 : errno;
  for (size_t done = 0; ok && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
    else error_ = n < 0 ? errno : ENOSPC;
  }
  if (fd >= 0 && ::close(fd) != 0 && ok) {
    ok = false;
    error_ = errno;
  }
  if (ok && !replace_with(temp_, path_)) {
    ok = false;
    error_ = errno;
  }
  if (!ok) {
    ::unlink(temp_.c_str());
    remove();  // what stays would be stale
    return false;
  }
  last_ = std::move(text);
  return true;
}

void StatusRecordWriter::remove() {
  ::unlink(path_.c_str());
  last_.clear();
}

}  // namespace pharoctl
