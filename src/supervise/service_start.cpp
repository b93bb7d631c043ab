#include "supervise/service_start.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "process/launcher.hpp"
#include "process/terminate.hpp"
#include "supervise/supervise_entry.hpp"
#include "util/failure.hpp"
#include "util/read_line.hpp"

namespace pharoctl {

namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::filesystem::path supervisor_out(const ServicePaths& p) { return p.logs() / "supervisor.out"; }

// supervisor.out is appended to, so that a supervisor's last words survive the next start;
// past 1 MiB it moves to supervisor.out.1 (replacing the older one). Returns where this start's
// lines begin. Not for everyone's eyes: 0640.
constexpr std::uint64_t kSupervisorOutMax = 1 << 20;

std::uint64_t keep_supervisor_out_bounded(const std::filesystem::path& out) {
  std::error_code ec;
  std::uint64_t size = std::filesystem::file_size(out, ec);
  if (ec) return 0;
  if (size > kSupervisorOutMax) {
    std::filesystem::rename(out, out.string() + ".1", ec);
    if (!ec) return 0;
  }
  ::chmod(out.c_str(), 0640);
  return size;
}

// What a start waits on: the supervisor it launched and where its lines in supervisor.out begin.
struct Launched {
  const std::string& name;
  const ServicePaths& paths;
  const ServiceConfig& cfg;
  Millis grace;
  pid_t pid;
  std::uint64_t out_from;
};

// The launched supervisor's wait status once it has exited, waiting at most `wait_at_most` (on
// its pidfd: woken by its exit, not looking again).
std::optional<int> exit_of(pid_t pid, milliseconds wait_at_most) {
  int st = 0;
  if (::waitpid(pid, &st, WNOHANG) == pid) return st;
  if (wait_at_most.count() <= 0) return std::nullopt;
  wait_until_gone(pid, wait_at_most);
  if (::waitpid(pid, &st, WNOHANG) == pid) return st;
  return std::nullopt;
}

StartOutcome supervisor_exited(const Launched& l, int st, ServiceStatus status = {}) {
  StartOutcome out;
  out.status = std::move(status);
  std::string tail = tail_lines_after(supervisor_out(l.paths), l.out_from, 20);
  std::string last = tail;
  while (!last.empty() && last.back() == '\n') last.pop_back();
  last = last.substr(last.rfind('\n') == std::string::npos ? 0 : last.rfind('\n') + 1);
  out.message = fmt::format("{}: the supervisor exited ({}){}", l.name,
                            WIFEXITED(st) ? fmt::format("status {}", WEXITSTATUS(st)) : "killed",
                            last.empty() ? "" : ": " + last);
  out.log_tail = tail;
  return out;
}

StartOutcome not_ready(const Launched& l, ServiceStatus status = {}) {
  StartOutcome out;
  out.status = std::move(status);
  out.message = fmt::format("{}: not ready within {} ([health].grace); the supervisor keeps trying", l.name,
                            format_duration(l.grace));
  out.log_tail = instance_log_tail(l.paths, 0, l.cfg.instances, 20);
  return out;
}

// What the supervisor's answer to "wait" means for the start: ready, an instance in trouble,
// or a supervisor that is stopping.
StartOutcome start_answer(const Launched& l, const nlohmann::json& answer) {
  if (!answer.value("ok", false) || !answer.contains("status"))
    throw operation_failed(fmt::format("{}: the supervisor answered the start wait with {}", l.name, answer.dump()));
  StartOutcome out;
  out.status = service_status_from_json(answer["status"]);
  const ServiceStatus& s = out.status;
  if (s.ready) {
    out.kind = StartOutcome::Started;
    out.message = fmt::format("{} started: {} instance{} healthy (supervisor pid {})", l.name, s.instances.size(),
                              s.instances.size() == 1 ? "" : "s", s.supervisor_pid);
    return out;
  }
  for (const auto& i : s.instances) {
    if (!start_trouble(i.state, i.restarts, i.last_exit, i.last_words)) continue;
    std::string stem = l.paths.instance_stem(i.index, l.cfg.instances);
    out.message = fmt::format("{} did not start: {}; the supervisor (pid {}) keeps trying per [restart] until "
                              "`pharoctl stop {}`",
                              stem, i.reason.empty() ? i.state : i.reason, s.supervisor_pid, l.name);
    out.log_tail = instance_log_tail(l.paths, i.index, l.cfg.instances, 20);
    return out;
  }
  if (auto st = exit_of(l.pid, milliseconds(2000))) return supervisor_exited(l, *st, out.status);  // it was stopping
  return not_ready(l, out.status);
}

}  // namespace

bool HeldStart::leaves_no_trace(const ServicePaths& p) {
  std::error_code ec;
  auto out = std::filesystem::file_size(supervisor_out(p), ec);
  return !ec && out <= kSupervisorOutMax && std::filesystem::exists(p.run() / "start.lock", ec) &&
         std::filesystem::exists(p.supervisor_lock(), ec);
}

HeldStart HeldStart::launch(const Home& home, const std::string& name, const std::string& pharoctl_exe,
                            milliseconds lock_patience) {
  HeldStart h(name, home.service(name));
  const ServicePaths& p = h.paths_;
  std::filesystem::create_directories(p.run());
  std::filesystem::create_directories(p.logs());
  // One start at a time per service: the others wait here, then find the supervisor running.
  h.start_lock_ = FileLock::acquire(p.run() / "start.lock", lock_patience);
  if (!h.start_lock_) return h;
  if (supervisor_running(p)) {
    h.state_ = State::AlreadyRunning;
    return h;
  }
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
    throw operation_failed(fmt::format("{}: socketpair: {}", name, std::strerror(errno)));
  h.channel_.reset(ends[0]);
  UniqueFd theirs(ends[1]);
  h.out_from_ = keep_supervisor_out_bounded(supervisor_out(p));

  LaunchSpec spec;
  // The slim supervisor directly when it is installed beside pharoctl: no exec chain.
  std::filesystem::path slim = slim_supervisor_beside(pharoctl_exe);
  spec.argv = {slim.empty() ? pharoctl_exe : slim.string(), "--home", home.root().string(), "supervise", name,
               "--starter-fd", "3"};
  spec.env.unset("NOTIFY_SOCKET").unset("WATCHDOG_USEC").unset("WATCHDOG_PID");
  spec.cwd = p.dir();
  spec.out = Stdio::append_to(supervisor_out(p));
  spec.err = Stdio::append_to(supervisor_out(p));
  spec.group = ProcessGroup::NewSession;
  spec.pass_fds = {theirs.get()};
  h.pid_ = pharoctl::launch(spec).pid;
  h.state_ = State::Held;
  return h;
}

StartOutcome HeldStart::go(const ServiceConfig& cfg) {
  if (state_ == State::GoneAhead) throw std::logic_error("HeldStart::go called twice");
  if (state_ == State::LockBusy)
    throw operation_failed(fmt::format("{}: another start holds {} for too long", name_,
                                       (paths_.run() / "start.lock").string()));
  if (state_ == State::AlreadyRunning) {
    StartOutcome out;
    out.kind = StartOutcome::AlreadyRunning;
    out.message = fmt::format("{} is already running (supervisor pid {})", name_, recorded_lock_pid(paths_.supervisor_lock()));
    try {
      out.status = ControlClient(paths_).status(milliseconds(3000));
    } catch (const Failure&) {
    }
    return out;
  }
  Millis grace = cfg.health.wait_bound();
  Launched l{name_, paths_, cfg, grace, pid_, out_from_};
  UniqueFd channel = std::move(channel_);
  state_ = State::GoneAhead;
  static const char kGo[] = "{\"cmd\":\"wait\"}\n";
  // EPIPE: it exited already (its lock taken, a broken service.toml): what it said comes below.
  (void)::send(channel.get(), kGo, sizeof kGo - 1, MSG_NOSIGNAL);
  constexpr std::size_t kAnswerMax = 1 << 20;  // a status of many instances
  LineRead r = read_line(channel.get(), Steady::now() + grace + milliseconds(10'000), kAnswerMax);
  if (r.line) {
    nlohmann::json answer = nlohmann::json::parse(*r.line, nullptr, false);
    if (answer.is_discarded())
      throw operation_failed(fmt::format("{}: the supervisor answered the start wait with \"{}\"", name_, *r.line));
    return start_answer(l, answer);
  }
  if (auto st = exit_of(pid_, milliseconds(2000))) return supervisor_exited(l, *st);
  return not_ready(l);
}

void HeldStart::call_off() {
  channel_.reset();  // EOF: the supervisor exits before it starts or writes anything
  if (exit_of(pid_, milliseconds(5000))) return;
  // Our own child, not yet reaped: the pid cannot have been reused.
  ::kill(pid_, SIGKILL);
  exit_of(pid_, milliseconds(5000));
}

HeldStart::~HeldStart() {
  if (state_ == State::Held && pid_ > 0) call_off();
}

StartOutcome start_service(const Home& home, const ServiceConfig& cfg, const std::string& pharoctl_exe) {
  Millis grace = cfg.health.wait_bound();
  auto patience = std::chrono::duration_cast<milliseconds>(grace + cfg.stop_timeout + milliseconds(30'000));
  return HeldStart::launch(home, cfg.name, pharoctl_exe, patience).go(cfg);
}

}  // namespace pharoctl
