// pharoctl-container: the one pharoctl program inside a release's container image
// (docs/containers.md). It needs nothing but libc, so that an image of the real Pharo VM (which
// needs only libc and libm) stays minimal. So it starts the VM with its own fork + execv, not
// process/launcher: that would bring libfmt and pharoctl's core along.
//   pharoctl-container run [--stop-timeout S] [--seed FROM:TO]... -- VM ARGS...
//       PID 1: seeds the writable volumes, starts the VM as its child, forwards SIGTERM, SIGINT,
//       SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to it, kills it S seconds after a stop signal if it
//       is still there, reaps orphans, and exits with the VM's status (128 + signal when killed).
//   pharoctl-container probe [--url http://127.0.0.1:PORT/PATH] [--expect TEXT] [--timeout S]
//       One health check as `pharoctl health` makes it: HTTP GET on loopback, healthy when the
//       status is 200 and the body contains TEXT. Exit 0 healthy, 1 not. What the options do not
//       say comes from /opt/pharoctl/health.conf (the release's [health], key=value lines).
//   pharoctl-container repl [--port N]
//       Joins stdin/stdout to NeoConsole's REPL on 127.0.0.1:N (default $PHAROCTL_TELNET_PORT),
//       for `kubectl exec -it POD -- pharoctl-container repl`; `quit` or Ctrl-D ends it.
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kExitUsage = 2;

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "pharoctl-container: %s\n"
               "usage: pharoctl-container run [--stop-timeout S] [--seed FROM:TO]... -- VM ARGS...\n"
               "       pharoctl-container probe [--url http://127.0.0.1:PORT/PATH] [--expect TEXT] [--timeout S]\n"
               "       pharoctl-container repl [--port N]\n",
               why.c_str());
  std::exit(kExitUsage);
}

int parse_seconds(const std::string& option, const std::string& text) {
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 1 || v > 86400) usage(option + " wants whole seconds from 1 to 86400, not \"" + text + "\"");
  return static_cast<int>(v);
}

double now_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Copies FROM to TO unless TO exists: a fresh volume gets the release's pristine file, a volume
// that survived a container restart keeps what the VM wrote.
bool seed(const std::string& from, const std::string& to) {
  struct stat st{};
  if (::stat(to.c_str(), &st) == 0) return true;
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    std::fprintf(stderr, "pharoctl-container: cannot read %s: %s\n", from.c_str(), std::strerror(errno));
    return false;
  }
  std::string tmp = to + ".seeding";
  int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    std::fprintf(stderr, "pharoctl-container: cannot write %s: %s (is a writable volume mounted there?)\n", tmp.c_str(),
                 std::strerror(errno));
    ::close(in);
    return false;
  }
  char buf[65536];
  bool ok = true;
  for (;;) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || ::write(out, buf, static_cast<size_t>(n)) != n) {
      ok = false;
      break;
    }
  }
  ok = ::fsync(out) == 0 && ok;
  ok = ::close(out) == 0 && ok;
  ::close(in);
  if (!ok || ::rename(tmp.c_str(), to.c_str()) != 0) {
    std::fprintf(stderr, "pharoctl-container: cannot seed %s: %s\n", to.c_str(), std::strerror(errno));
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

int exit_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

int run(const std::vector<std::string>& args) {
  int stop_timeout = 30;
  std::vector<std::pair<std::string, std::string>> seeds;
  size_t i = 0;
  for (; i < args.size() && args[i] != "--"; ++i) {
    if (args[i] == "--stop-timeout" && i + 1 < args.size()) {
      stop_timeout = parse_seconds("--stop-timeout", args[++i]);
    } else if (args[i] == "--seed" && i + 1 < args.size()) {
      const std::string& s = args[++i];
      auto colon = s.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) usage("--seed wants FROM:TO, not \"" + s + "\"");
      seeds.emplace_back(s.substr(0, colon), s.substr(colon + 1));
    } else {
      usage("run: unknown option \"" + args[i] + "\"");
    }
  }
  if (i + 1 >= args.size()) usage("run: give the VM's command line after --");
  for (const auto& [from, to] : seeds)
    if (!seed(from, to)) return 1;

  const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
  sigset_t set;
  sigemptyset(&set);
  for (int s : forwarded) sigaddset(&set, s);
  sigaddset(&set, SIGCHLD);
  sigset_t old;
  sigprocmask(SIG_BLOCK, &set, &old);

  std::vector<char*> argv;
  for (size_t k = i + 1; k < args.size(); ++k) argv.push_back(const_cast<char*>(args[k].c_str()));
  argv.push_back(nullptr);
  pid_t vm = ::fork();
  if (vm < 0) {
    std::fprintf(stderr, "pharoctl-container: fork: %s\n", std::strerror(errno));
    return 1;
  }
  if (vm == 0) {
    sigprocmask(SIG_SETMASK, &old, nullptr);
    ::execv(argv[0], argv.data());
    std::fprintf(stderr, "pharoctl-container: cannot execute %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }

  double kill_at = -1;
  for (;;) {
    timespec wait{3600, 0};
    if (kill_at >= 0) {
      double left = kill_at - now_seconds();
      if (left <= 0) {
        std::fprintf(stderr, "pharoctl-container: the VM is still running %d s after the stop signal: SIGKILL\n", stop_timeout);
        ::kill(vm, SIGKILL);
        kill_at = -1;
        continue;
      }
      wait.tv_sec = static_cast<time_t>(left);
      wait.tv_nsec = static_cast<long>((left - static_cast<double>(wait.tv_sec)) * 1e9);
    }
    siginfo_t info{};
    int sig = sigtimedwait(&set, &info, &wait);
    if (sig < 0) continue;  // timeout or EINTR: the loop checks the deadline
    if (sig == SIGCHLD) {
      int status = 0;
      pid_t p;
      while ((p = ::waitpid(-1, &status, WNOHANG)) > 0) {
        if (p == vm) {
          int code = exit_status(status);
          if (WIFSIGNALED(status))
            std::fprintf(stderr, "pharoctl-container: the VM ended on signal %d\n", WTERMSIG(status));
          else
            std::fprintf(stderr, "pharoctl-container: the VM exited with status %d\n", code);
          return code;
        }
      }
      continue;
    }
    ::kill(vm, sig);
    if ((sig == SIGTERM || sig == SIGINT || sig == SIGQUIT) && kill_at < 0) kill_at = now_seconds() + stop_timeout;
  }
}

struct Url {
  std::string host;
  std::string port;
  std::string path;
};

bool parse_url(const std::string& url, Url& out) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) return false;
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (!authority.empty() && authority[0] == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) return false;
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') out.port = authority.substr(close + 2);
  } else {
    auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) out.port = authority.substr(colon + 1);
  }
  if (out.port.empty()) out.port = "80";
  return !out.host.empty();
}

// The probe answers on stdout in one line, as `pharoctl health` does: what the kubelet records.
int unhealthy(const std::string& why) {
  std::printf("unhealthy: %s\n", why.c_str());
  return 1;
}

constexpr const char* kHealthConf = "/opt/pharoctl/health.conf";

// Reads key=value lines (# comments) of the health configuration the image was built with.
void read_health_conf(std::string& url, std::string& expect, std::string& timeout) {
  FILE* f = std::fopen(kHealthConf, "re");
  if (!f) return;
  char line[4096];
  while (std::fgets(line, sizeof line, f)) {
    std::string l(line);
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
    if (l.empty() || l[0] == '#') continue;
    auto eq = l.find('=');
    if (eq == std::string::npos) continue;
    std::string k = l.substr(0, eq), v = l.substr(eq + 1);
    if (k == "url" && url.empty()) url = v;
    else if (k == "expect" && expect.empty()) expect = v;
    else if (k == "timeout" && timeout.empty()) timeout = v;
  }
  std::fclose(f);
}

int probe(const std::vector<std::string>& args) {
  std::string url_text, expect, timeout_text;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--url" && i + 1 < args.size()) url_text = args[++i];
    else if (args[i] == "--expect" && i + 1 < args.size()) expect = args[++i];
    else if (args[i] == "--timeout" && i + 1 < args.size()) timeout_text = args[++i];
    else usage("probe: unknown option \"" + args[i] + "\"");
  }
  read_health_conf(url_text, expect, timeout_text);
  const int timeout = timeout_text.empty() ? 5 : parse_seconds("--timeout", timeout_text);
  Url url;
  if (url_text.empty()) usage(std::string("probe: give --url (") + kHealthConf + " does not say)");
  if (!parse_url(url_text, url)) usage("probe: --url must be http://HOST:PORT/PATH, not \"" + url_text + "\"");
  if (url.host == "localhost") url.host = "127.0.0.1";
  if (url.host != "127.0.0.1" && url.host != "::1") usage("probe: the health URL must be on loopback (127.0.0.1 or [::1]), not " + url.host);

  const double deadline = now_seconds() + timeout;
  auto left_ms = [&] {
    double left = (deadline - now_seconds()) * 1000;
    return left < 0 ? 0 : static_cast<int>(left);
  };
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* ai = nullptr;
  if (::getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &ai) != 0 || !ai) return unhealthy("bad address " + url.host + ":" + url.port);
  int fd = ::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int rc = fd < 0 ? -1 : ::connect(fd, ai->ai_addr, ai->ai_addrlen);
  ::freeaddrinfo(ai);
  if (fd < 0) return unhealthy(std::string("socket: ") + std::strerror(errno));
  if (rc != 0 && errno != EINPROGRESS) return unhealthy(std::string("connect: ") + std::strerror(errno));
  std::string request = "GET " + url.path + " HTTP/1.1\r\nHost: " + url.host + ":" + url.port +
                        "\r\nUser-Agent: pharoctl-container\r\nConnection: close\r\n\r\n";
  size_t sent = 0;
  std::string response;
  bool connected = rc == 0;
  for (;;) {
    pollfd p{fd, static_cast<short>(sent < request.size() ? POLLOUT : POLLIN), 0};
    int ms = left_ms();
    if (ms == 0 || ::poll(&p, 1, ms) == 0) return unhealthy("timed out after " + std::to_string(timeout) + "s");
    if (!connected) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return unhealthy(std::string("connect: ") + std::strerror(err));
      connected = true;
    }
    if (sent < request.size()) {
      ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR) return unhealthy(std::string("send: ") + std::strerror(errno));
      if (n > 0) sent += static_cast<size_t>(n);
      continue;
    }
    char buf[8192];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return unhealthy(std::string("recv: ") + std::strerror(errno));
    if (n == 0) break;
    response.append(buf, static_cast<size_t>(n));
    if (response.size() > (1u << 20)) break;  // a status page, not a download
  }
  ::close(fd);
  auto eol = response.find("\r\n");
  std::string status_line = response.substr(0, eol);
  auto sp = status_line.find(' ');
  std::string status = sp == std::string::npos ? "" : status_line.substr(sp + 1);
  if (status.compare(0, 3, "200") != 0) return unhealthy(status.empty() ? "no HTTP answer" : "HTTP " + status);
  auto body_at = response.find("\r\n\r\n");
  std::string body = body_at == std::string::npos ? "" : response.substr(body_at + 4);
  if (!expect.empty() && body.find(expect) == std::string::npos) return unhealthy("the answer lacks \"" + expect + "\"");
  std::printf("healthy: %s\n", status.c_str());
  return 0;
}

int repl(const std::vector<std::string>& args) {
  const char* env_port = std::getenv("PHAROCTL_TELNET_PORT");
  std::string port = env_port ? env_port : "";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--port" && i + 1 < args.size()) port = args[++i];
    else usage("repl: unknown option \"" + args[i] + "\"");
  }
  if (port.empty()) usage("repl: give --port (PHAROCTL_TELNET_PORT is not set)");
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* ai = nullptr;
  if (::getaddrinfo("127.0.0.1", port.c_str(), &hints, &ai) != 0 || !ai) usage("repl: bad port \"" + port + "\"");
  int fd = ::socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    std::fprintf(stderr, "pharoctl-container: cannot reach the REPL on 127.0.0.1:%s: %s\n", port.c_str(), std::strerror(errno));
    return 1;
  }
  ::freeaddrinfo(ai);
  bool stdin_open = true;
  char buf[8192];
  for (;;) {
    pollfd p[2] = {{fd, POLLIN, 0}, {0, static_cast<short>(stdin_open ? POLLIN : 0), 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (p[0].revents) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return 0;  // the REPL closed (quit)
      if (::write(1, buf, static_cast<size_t>(n)) != n) return 1;
    }
    if (stdin_open && p[1].revents) {
      ssize_t n = ::read(0, buf, sizeof buf);
      if (n <= 0) {
        stdin_open = false;
        ::shutdown(fd, SHUT_WR);  // Ctrl-D: let the REPL say Bye and close
        continue;
      }
      if (::send(fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) return 1;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) usage("give a command: run, probe or repl");
  std::string command = args.front();
  args.erase(args.begin());
  if (command == "run") return run(args);
  if (command == "probe") return probe(args);
  if (command == "repl") return repl(args);
  usage("unknown command \"" + command + "\"");
}
