#pragma once
// Every command's definer; main.cpp puts them in its table. One file per command or close group.
#include "cli/command.hpp"

namespace pharoctl::cli {

Runner define_install(CLI::App&, const Globals&);     // install.cpp
Runner define_runtimes(CLI::App&, const Globals&);    // install.cpp
Runner define_new(CLI::App&, const Globals&);         // new.cpp
Runner define_build(CLI::App&, const Globals&);       // build.cpp
Runner define_builds(CLI::App&, const Globals&);      // build.cpp
Runner define_deploy(CLI::App&, const Globals&);      // deploy.cpp
Runner define_releases(CLI::App&, const Globals&);    // deploy.cpp
Runner define_rollback(CLI::App&, const Globals&);    // deploy.cpp
Runner define_git_init(CLI::App&, const Globals&);    // deploy.cpp
Runner define_start(CLI::App&, const Globals&);       // lifecycle.cpp
Runner define_stop(CLI::App&, const Globals&);        // lifecycle.cpp
Runner define_restart(CLI::App&, const Globals&);     // lifecycle.cpp
Runner define_reload(CLI::App&, const Globals&);      // lifecycle.cpp
Runner define_run(CLI::App&, const Globals&);         // lifecycle.cpp
Runner define_supervise(CLI::App&, const Globals&);   // lifecycle.cpp
Runner define_pid(CLI::App&, const Globals&);         // lifecycle.cpp
Runner define_status(CLI::App&, const Globals&);      // status.cpp
Runner define_logs(CLI::App&, const Globals&);        // logs.cpp
Runner define_repl(CLI::App&, const Globals&);        // repl.cpp
Runner define_eval(CLI::App&, const Globals&);        // eval.cpp
Runner define_metrics(CLI::App&, const Globals&);     // metrics.cpp
Runner define_health(CLI::App&, const Globals&);      // metrics.cpp
Runner define_export(CLI::App&, const Globals&);      // export.cpp
Runner define_image(CLI::App&, const Globals&);       // image.cpp
Runner define_enable(CLI::App&, const Globals&);      // enable.cpp
Runner define_disable(CLI::App&, const Globals&);     // enable.cpp
Runner define_doctor(CLI::App&, const Globals&);      // doctor.cpp
Runner define_quickstart(CLI::App&, const Globals&);  // quickstart.cpp
Runner define_completion(CLI::App&, const Globals&);  // completion.cpp
Runner define_man(CLI::App&, const Globals&);         // completion.cpp
Runner define_help(CLI::App&, const Globals&);        // help.cpp

}  // namespace pharoctl::cli
