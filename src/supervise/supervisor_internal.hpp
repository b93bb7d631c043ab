#pragma once
// The Supervisor behind run_supervisor (supervisor.hpp), for its own three files only:
// supervisor.cpp (set-up, the loop, shutdown, pid records), supervisor_vms.cpp (spawning,
// output, ends, health, timers) and supervisor_requests.cpp (control requests, rollouts,
// deploys, reload, status). The concepts it ties together each live in a file of their own:
// PollLoop, Instance, ControlServer/dispatch_request, Rollout.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process/file_lock.hpp"
#include "runtime/runtime.hpp"
#include "service/service_config.hpp"
#include "supervise/control_protocol.hpp"
#include "supervise/event_log.hpp"
#include "supervise/instance.hpp"
#include "supervise/poll_loop.hpp"
#include "supervise/rollout.hpp"
#include "supervise/service_status.hpp"
#include "supervise/status_record.hpp"
#include "supervise/supervisor.hpp"
#include "supervise/watchdog_schedule.hpp"
#include "util/clean_text.hpp"

namespace pharoctl {

// What launch_vm did: the line that tells it, or why it could not.
struct Launched {
  bool ok = false;
  std::string text;
};

class Supervisor final : private ControlHandler {
 public:
  explicit Supervisor(const SupervisorEnv& env);
  int run();

 private:
  // set-up and tear-down (supervisor.cpp): what the first spawns need comes before them, the
  // rest (control socket, the start's log lines) while the VMs start
  void set_up();
  bool starter_goes_ahead(int fd);
  void prepare_spawns();
  void set_up_after_spawning();
  void handle_leftover_pid_file(Instance& inst);
  void watch_everything();
  void on_signals();
  void begin_shutdown(const std::string& why);
  void finish();

  // VMs (supervisor_vms.cpp)
  void spawn(Instance& inst);
  Launched launch_vm(Instance& inst);
  void announce(Instance& inst, const Launched& launched);
  void abandon_vms(const std::string& why);
  void stop_vm(Instance& inst, After after);
  void on_child_exit(pid_t pid, int wait_status);
  void after_end(Instance& inst, const std::string& what, bool clean, bool forced, bool ended = false);
  void drain(Instance& inst);
  void read_output(Instance& inst, int fd, LineSplitter& lines, const char* stream);
  void on_health(Instance& inst, const HealthResult& r);
  void start_probe(Instance& inst);
  void on_probe_done(Instance& inst, HealthProbe& probe);
  void record_executables();  // of the VMs that became healthy this round, after its answers
  void advance_probe(Instance& inst, HealthProbe* probe, bool deadline_passed);
  void on_timers();
  void on_instance_timers(Instance& inst, SteadyTime now);
  std::optional<SteadyTime> next_deadline() const;

  // control requests (supervisor_requests.cpp)
  void reply(int client, const nlohmann::json& answer) override;  // queued for send_replies
  void send_replies();
  void on_status(int client) override;
  void on_wait(int client) override;
  void on_stop(int client, int instance) override;
  void on_rollout(int client, const std::string& cmd, int instance) override;
  void on_deploy(int client, const nlohmann::json& request) override;
  void answer_start_waiters();

  // rollouts and configuration (supervisor_requests.cpp)
  void begin_rollout(int client, const std::string& cmd, int instance, bool sequential,
                     std::optional<DeployPlan> deploy = std::nullopt);
  void begin_replacement(Instance& inst);
  void advance_rollout();
  void rollout_ended(Instance& inst, bool ok, const std::string& detail);
  void rollout_ok(Instance& inst);
  void look_for_serving(Instance& inst, SteadyTime now);
  void rollout_failed(Instance& inst, const std::string& why) { rollout_ended(inst, false, why); }
  void finish_rollout();
  bool deploy_switch_back(Rollout& r);
  std::string switch_current(const std::optional<std::string>& release);
  std::string apply_config(const std::string& why);
  void on_sighup();
  void configure_sink(Instance& inst);

  // writes that may fail: a full or read-only disk must not end the supervisor (supervisor.cpp)
  void record_pid(Instance& inst, const VmIdentity& id);
  void retry_pending_pids();
  void remove_pid(Instance& inst);
  void report_trouble(const std::string& text);

  // reporting. `live`: with each VM's uptime and memory now (the control socket's answer); the
  // status record leaves those to its reader.
  ServiceStatus status(bool live = true) const;
  // run/status rewritten when what it says changed (supervisor_requests.cpp), at the end of a
  // round of the loop: after any spawn of that round, never between a VM's end and its successor.
  void write_status_record();
  std::int64_t recheck_by_ns() const;
  void update_notify();
  // An instance's event: into its daily log and, with its priority, onto stderr (the journal).
  void sup(Instance& inst, const std::string& text, Priority priority = Priority::Info) {
    inst.log->write("sup", text);
    events_.write(priority, inst.stem, text);
  }
  // A service-wide event: into every instance's log and once onto stderr.
  void broadcast(const std::string& text, Priority priority = Priority::Notice);
  // A line the VM printed: into the log, and remembered as its possible last words (reusing
  // the string's room: no allocation per line).
  void vm_line(Instance& inst, const char* stream, std::string_view l) {
    std::string_view logged = inst.log->write(stream, l);
    if (inst.vm && meaningful_line(logged)) (stream[0] == 'e' ? inst.vm->last_err : inst.vm->last_out).assign(logged);
  }
  bool all_vms_gone() const;

  const SupervisorEnv& env_;
  ServicePaths paths_;
  const Clock& clock_;
  ServiceConfig config_;
  Runtime runtime_;
  std::optional<FileLock> lock_;
  std::vector<Instance> instances_;
  std::optional<SignalChannel> signals_;
  PollLoop loop_;
  ControlServer control_;
  std::optional<Rollout> rollout_;
  std::vector<int> stop_clients_;
  std::map<int, std::vector<int>> instance_stop_waiters_;  // instance -> clients waiting for its stop
  std::vector<int> start_waiters_;  // clients of "wait": answered once ready, or at the first trouble
  bool shutting_down_ = false;
  bool ready_ = false;
  bool release_text_ = false;  // every instance became healthy: release_resident_text at the round's end
  std::string last_status_text_;
  EventLog events_;
  std::optional<WatchdogSchedule> watchdog_;
  WallTime started_wall_{};
  std::string config_digest_;  // of the service.toml applied last
  StatusRecordWriter status_record_{paths_.status_record()};
  bool record_failing_ = false;  // the last write of run/status failed (told once)
  bool record_due_ = true;  // this round did more than copy VM output: the record may have changed
  std::vector<std::pair<int, nlohmann::json>> replies_;  // answers of this round, not sent yet
  static constexpr size_t kReadBufferSize = 65536;  // a pipe's capacity: one read empties it
  std::unique_ptr<char[]> read_buffer_;  // what read_output reads into
};

}  // namespace pharoctl
