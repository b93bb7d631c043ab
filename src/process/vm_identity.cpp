#include "process/vm_identity.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "process/proc_info.hpp"
#include "util/atomic_file.hpp"

namespace pharoctl {

IdentityVerdict verify_identity(const VmIdentity& id) {
  IdentityVerdict v;
  if (id.pid <= 0) {
    v.reason = "no pid";
    return v;
  }
  auto st = read_proc_stat(id.pid);
  if (!st || st->state == 'Z' || st->state == 'X') {
    v.reason = fmt::format("pid {} is not running", id.pid);
    return v;
  }
  if (st->start_ticks != id.start_ticks) {
    v.reason = fmt::format("pid {} started at another time than the recorded VM (a recycled pid)", id.pid);
    return v;
  }
  auto args = read_proc_cmdline(id.pid);
  auto has = [&](const std::string& a) { return std::find(args.begin(), args.end(), a) != args.end(); };
  if (!id.image.empty() && !has(id.image)) {
    v.reason = fmt::format("pid {} does not run the image {}", id.pid, id.image);
    return v;
  }
  if (!id.run_script.empty() && !has(id.run_script)) {
    v.reason = fmt::format("pid {} does not run the script {}", id.pid, id.run_script);
    return v;
  }
  if (!id.exe.empty()) {
    std::string exe = read_proc_exe(id.pid);
    if (!exe.empty() && exe != id.exe) {
      v.reason = fmt::format("pid {} runs {}, not the VM {}", id.pid, exe, id.exe);
      return v;
    }
  }
  v.proven = true;
  return v;
}

void PidFile::write(const VmIdentity& id) const {
  nlohmann::json j = {{"pid", id.pid},       {"start_ticks", id.start_ticks}, {"image", id.image},
                      {"run_script", id.run_script}, {"exe", id.exe}};
  // The identity first: a reader that sees the new pid also finds its record. Replaced by
  // rename(2), so a reader sees the old record or the new one, but not fsync'd: it lies on the
  // path from a VM's crash to its replacement, and a record that a power loss took back is
  // harmless, since none is trusted before /proc proves it.
  write_file_atomic(identity_path(), j.dump() + "\n", runtime_state);
  write_file_atomic(path_, fmt::format("{}\n", id.pid), runtime_state);
}

void PidFile::remove() const {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  std::filesystem::remove(identity_path(), ec);
}

PidFileState PidFile::inspect() const {
  PidFileState s;
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) {
    s.verdict.reason = "no pid file";
    return s;
  }
  s.exists = true;
  std::string text;
  try {
    text = read_file(path_);
  } catch (...) {
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  if (text.empty() || text.size() > 10 || !std::all_of(text.begin(), text.end(), ::isdigit)) {
    s.verdict.reason = fmt::format("{} does not hold a pid", path_.string());
    return s;
  }
  s.pid = static_cast<pid_t>(std::stol(text));
  try {
    auto j = nlohmann::json::parse(read_file(identity_path()));
    VmIdentity id;
    id.pid = j.at("pid").get<pid_t>();
    id.start_ticks = j.at("start_ticks").get<std::uint64_t>();
    id.image = j.value("image", "");
    id.run_script = j.value("run_script", "");
    id.exe = j.value("exe", "");
    s.identity = id;
  } catch (...) {
    s.verdict.reason = fmt::format("pid {}: no identity record beside the pid file, so it cannot be proven", s.pid);
    return s;
  }
  if (s.identity->pid != s.pid) {
    s.verdict.reason = fmt::format("pid {}: the identity record names pid {}", s.pid, s.identity->pid);
    return s;
  }
  s.verdict = verify_identity(*s.identity);
  return s;
}

}  // namespace pharoctl
