#include "cli/help_render.hpp"

#include <vector>

#include <fmt/format.h>

#include "cli/command_tree.hpp"
#include "cli/help_formatter.hpp"

namespace pharoctl {

namespace {

using tree::is_flag;
using tree::named_options;
using tree::positionals;
using tree::spellings;
using tree::visible_commands;

// roff needs backslashes doubled, and a leading . or ' escaped.
std::string roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
    line_start = c == '\n';
  }
  return out;
}

std::string usage_of(const CLI::App& cmd) {
  std::string u = "pharoctl " + cmd.get_name();
  for (const CLI::Option* o : named_options(cmd)) {
    std::string name = spellings(o).back();
    u += is_flag(o) ? fmt::format(" [{}]", name) : fmt::format(" [{} {}]", name, value_label(o));
  }
  for (const CLI::Option* p : positionals(cmd)) {
    u += p->get_required() ? fmt::format(" {}", p->get_name()) : fmt::format(" [{}]", p->get_name());
  }
  return u;
}

// Every variable pharoctl reads, for ENVIRONMENT (a test checks the code reads no other).
struct EnvironmentVariable {
  const char* name;
  const char* meaning;
};
const EnvironmentVariable kEnvironment[] = {
    {"PHARO_HOME", "The pharoctl home (default ~/pharo); --home overrides it."},
    {"HOME", "Where the default home ~/pharo and the REPL history are."},
    {"XDG_STATE_HOME", "The REPL history goes to $XDG_STATE_HOME/pharoctl/history/ (default ~/.local/state)."},
    {"NO_COLOR", "When set and not empty: no colours, as with --no-color."},
    {"TERM", "No colours when it is dumb."},
    {"PHAROCTL_SSH", "The ssh program and its options for --ssh (default ssh), run by /bin/sh as GIT_SSH_COMMAND is, "
                     "e.g. \"ssh -p 2222 -i ~/.ssh/deploy\"."},
    {"PHAROCTL_REMOTE_PHAROCTL", "The pharoctl program on the other machine for --ssh (default pharoctl, from its PATH)."},
    {"PATH", "Where install sim looks for pharo-sim when it is not installed with pharoctl, and where ssh, git and "
             "systemctl are found."},
    {"SUDO_USER", "Under sudo, the user who owns what enable and deploy create for a service without a user."},
    {"GITHUB_TOKEN, GITLAB_TOKEN, METACELLO_USERNAME, METACELLO_PASSWORD",
     "Credentials for build (they override $PHARO_HOME/credentials); never written to a file or log."},
    {"NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID",
     "Set by systemd for the unit's supervisor (Type=notify): where READY=1, STATUS= and WATCHDOG=1 go, and how often."},
    {"JOURNAL_STREAM", "Set by systemd when output goes to the journal: the supervisor then writes each event with "
                       "its priority and without a timestamp of its own."},
    {"TMPDIR", "Where image puts the container build context while the builder reads it (default /tmp)."},
    {"GIT_CONFIG_COUNT", "Git configuration given to the git that resolves a remote ref for build; a token joins it "
                         "there, after any entries already set, never on git's command line."},
    {"PHAROCTL_TELNET_PORT", "Inside a container image: the REPL port pharoctl-container repl connects to "
                             "(set by the image)."},
    {"PHAROCTL_TEST_WALL_CLOCK", "Tests only: the supervisor's wall clock starts at this local time "
                                 "(YYYY-MM-DDTHH:MM:SS)."},
};

std::string option_names_roff(const CLI::Option* o) {
  std::string names;
  for (const auto& s : spellings(o)) names += (names.empty() ? "" : ", ") + std::string("\\fB") + roff(s) + "\\fR";
  std::string label = value_label(o);
  if (!label.empty()) names += " \\fI" + roff(label) + "\\fR";
  return names;
}

}  // namespace

std::string render_man_page(const CLI::App& root) {
  std::string m;
  m += fmt::format(".TH PHAROCTL 1 \"{}\" \"pharoctl {}\" \"User Commands\"\n", PHAROCTL_RELEASE_DATE, PHAROCTL_VERSION);
  m += ".SH NAME\npharoctl \\- run Pharo Smalltalk servers in production\n";
  m += ".SH SYNOPSIS\n.B pharoctl\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR] [\\fIGLOBAL OPTIONS\\fR]\n";
  m += ".SH DESCRIPTION\n"
       "pharoctl installs Pharo runtimes, scaffolds services, builds their images, runs them under a "
       "supervisor, generates systemd units, init.d scripts, monit checks and nginx upstreams, talks to "
       "the running image over NeoConsole and deploys releases with health\\-gated rolling restarts.\n"
       ".PP\nThe global options work before and after the command. "
       "\\fBpharoctl help\\fR \\fICOMMAND\\fR shows the same text as \\fBpharoctl\\fR \\fICOMMAND\\fR "
       "\\fB\\-\\-help\\fR.\n";
  m += ".SH GLOBAL OPTIONS\n";
  for (const CLI::Option* o : named_options(root)) {
    if (o->get_lnames().empty()) continue;
    m += ".TP\n" + option_names_roff(o) + "\n" + roff(o->get_description()) + "\n";
  }
  m += ".SH COMMANDS\n";
  for (const CLI::App* cmd : visible_commands(root)) {
    m += fmt::format(".SS {}\n{}\n.PP\n.B {}\n", roff(cmd->get_name()), roff(cmd->get_description()), roff(usage_of(*cmd)));
    for (const CLI::Option* p : positionals(*cmd)) {
      m += ".TP\n\\fI" + roff(p->get_name()) + "\\fR\n" + roff(p->get_description()) + "\n";
    }
    for (const CLI::Option* o : named_options(*cmd)) {
      m += ".TP\n" + option_names_roff(o) + "\n" + roff(o->get_description()) + "\n";
    }
    if (!cmd->get_footer().empty()) m += ".PP\n.nf\n" + roff(cmd->get_footer()) + "\n.fi\n";
  }
  m += ".SH EXIT STATUS\n0 success, 1 the operation failed, 2 bad usage or bad configuration, 3 not running.\n";
  m += ".SH ENVIRONMENT\n";
  for (const EnvironmentVariable& v : kEnvironment) m += fmt::format(".TP\n.B {}\n{}\n", roff(v.name), roff(v.meaning));
  m += ".SH FILES\n.TP\n.I $PHARO_HOME/<service>/service.toml\nThe one file a user edits per service.\n"
       ".TP\n.I $PHARO_HOME/<service>/app.st\nThe service\\(aqs own start code; pharoctl never rewrites it.\n"
       ".TP\n.I $PHARO_HOME/credentials\nBuild credentials (KEY=VALUE, mode 0600).\n"
       ".TP\n.I $PHARO_HOME/runtimes/<name>/\nInstalled Pharo runtimes.\n"
       ".TP\n.I /usr/libexec/pharoctl/\nThe supervisor pharoctl\\-supervise and the stand\\-in VM pharo\\-sim.\n";
  m += ".SH SEE ALSO\n.BR pharoctl\\-supervise (8),\n.BR pharo\\-sim (1),\n.BR systemctl (1),\n.BR journalctl (1),\n"
       ".BR systemd.service (5),\n.BR monit (1),\n.BR nginx (8),\n.BR ssh (1)\n.PP\n"
       "The documentation in /usr/share/doc/pharoctl/.\n";
  return m;
}

}  // namespace pharoctl
