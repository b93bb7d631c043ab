// pharoctl: the table of commands; cli/command_line builds the command tree from it and runs one.
#include "cli/command_line.hpp"
#include "cli/commands.hpp"

namespace {

using namespace pharoctl;

const CommandSpec kCommands[] = {
    {"install", "Install a Pharo runtime (VM + base image)", cli::define_install,
     "pharoctl install 130\npharoctl install sim\npharoctl install 120 --from ~/Downloads/pharo12"},
    {"runtimes", "List installed runtimes", cli::define_runtimes, "pharoctl runtimes\npharoctl --json runtimes"},
    {"new", "Scaffold a new service", cli::define_new,
     "pharoctl new shop\npharoctl new shop --yes --runtime sim --http-port 8081 --instances 2"},
    {"build", "Build the service image (cached by content)", cli::define_build, "pharoctl build shop\npharoctl build shop --no-cache"},
    {"builds", "List cached builds of a service", cli::define_builds, "pharoctl builds shop"},
    {"deploy", "Release a build and restart behind the health gate", cli::define_deploy,
     "pharoctl deploy shop\npharoctl deploy shop --image ~/images/shop.image"},
    {"releases", "List releases, marking the current one", cli::define_releases, "pharoctl releases shop"},
    {"rollback", "Go back to the previous (or a named) release", cli::define_rollback, "pharoctl rollback shop"},
    {"git-init", "Create a git repository to push to deploy", cli::define_git_init,
     "pharoctl git-init shop\ngit remote add deploy ssh://server/~/pharo/shop/repo.git"},
    {"start", "Start a service under its supervisor", cli::define_start, "pharoctl start shop\npharoctl start --all"},
    {"stop", "Stop a service and its supervisor", cli::define_stop, "pharoctl stop shop\npharoctl stop --all"},
    {"restart", "Restart a service (or one instance)", cli::define_restart, "pharoctl restart shop\npharoctl restart shop@1"},
    {"reload", "Rolling restart, one instance at a time", cli::define_reload, "pharoctl reload shop"},
    {"run", "Run the VM in the foreground, without supervisor", cli::define_run, "pharoctl run shop"},
    {"supervise", "Run the supervisor in the foreground (systemd's ExecStart)", cli::define_supervise,
     "pharoctl supervise shop"},
    {"status", "Show services: state, pid, uptime, restarts, health, memory", cli::define_status,
     "pharoctl status\npharoctl status shop\npharoctl --json status"},
    {"pid", "Print the VM's pid", cli::define_pid, "pharoctl pid shop\npharoctl pid shop@1"},
    {"logs", "Show or follow a service's logs", cli::define_logs, "pharoctl logs shop -f\npharoctl logs shop@0 -n 200"},
    {"repl", "Interactive REPL into the running image", cli::define_repl,
     "pharoctl repl shop\npharoctl repl shop --ssh deploy@prod1"},
    {"eval", "Evaluate one expression in the running image", cli::define_eval,
     "pharoctl eval shop 'Smalltalk version'\necho '3 + 4' | pharoctl eval shop -"},
    {"metrics", "Show the image's metrics", cli::define_metrics, "pharoctl metrics shop\npharoctl metrics shop memory.free"},
    {"health", "Check health once: exit 0 healthy, 1 not", cli::define_health, "pharoctl health shop@0"},
    {"export", "Write systemd, init.d, monit, nginx, k8s or Containerfile files", cli::define_export,
     "pharoctl export systemd shop\npharoctl export monit shop -o /etc/monit/conf.d\n"
     "pharoctl export k8s shop -o k8s/ --image registry.example.com/shop:v1 --host shop.example.com"},
    {"image", "Build an OCI image of a release", cli::define_image,
     "pharoctl image shop\npharoctl image shop --tag registry.example.com/shop:v1 --release 20260102-101500"},
    {"enable", "Install the unit or init script (and monit check)", cli::define_enable,
     "sudo pharoctl enable shop --systemd --monit\npharoctl enable shop --initd --dry-run"},
    {"disable", "Remove what enable installed", cli::define_disable, "sudo pharoctl disable shop"},
    {"doctor", "Check the environment and a service", cli::define_doctor, "pharoctl doctor\npharoctl doctor shop"},
    {"quickstart", "A demo HTTP service, end to end", cli::define_quickstart, "pharoctl quickstart"},
    {"completion", "Print the bash or zsh completion script", cli::define_completion,
     "source <(pharoctl completion bash)\npharoctl completion zsh > ~/.zfunc/_pharoctl", TreeNeed::Whole},
    {"help", "Show the help of pharoctl or of one command", cli::define_help, "pharoctl help\npharoctl help deploy", TreeNeed::Whole},
    {"man", "Print the man page pharoctl(1)", cli::define_man, "", TreeNeed::Whole},
};

}  // namespace

int main(int argc, char** argv) { return pharoctl::cli::run_command_line(kCommands, argc, argv); }
