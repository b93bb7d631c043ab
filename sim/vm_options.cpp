#include "vm_options.hpp"

#include <cstdio>
#include <set>

namespace sim {
namespace {
std::string option_name(const std::string& arg) {
  std::string n = arg.substr(arg[1] == '-' ? 2 : 1);
  return n.substr(0, n.find('='));
}

void new_vm_usage(const std::string& exe) {
  std::fprintf(stderr,
               "Usage: %s [<option>...] [<imageName> [<argument>...]]\n"
               "       %s [<option>...] -- [<argument>...]\n\n"
               "Common <option>s:\n"
               "  --help                 Print this help message, then exit\n"
               "  --headless             Run in headless (no window) mode (default: true)\n"
               "  --worker               Run in worker thread (default: false)\n"
               "  --logLevel=<level>     Sets the log level (ERROR, WARN, INFO or DEBUG)\n"
               "  --version              Print version information, then exit\n"
               "  --maxFramesToLog=<n>   Sets the max numbers of Smalltalk frames to log\n\n"
               "Notes:\n\n"
               "  <imageName> defaults to `Pharo.image'.\n"
               "  <argument>s are ignored, but are processed by the Pharo image.\n"
               "  Precede <arguments> by `--' to use default image.\n",
               exe.c_str(), exe.c_str());
}
}  // namespace

std::optional<VmCommandLine> parse_vm_options(const std::vector<std::string>& args, const VmIdentity& vm) {
  VmCommandLine out;
  std::string exe = vm.exe.string();
  // name -> takes an argument
  static const std::set<std::string> new_flags = {"headless", "worker", "interactive", "vm-display-null", "help", "h", "version"};
  static const std::set<std::string> new_valued = {"logLevel", "maxFramesToLog"};
  static const std::set<std::string> old_flags = {"nodisplay", "vm-display-null", "headless", "nosound", "vm-sound-null", "version",
                                                  "help", "noevents", "nohandlers", "blockonerror", "blockonwarn", "timephases",
                                                  "nojit", "xshm", "vm-display-X11", "vm-sound-OSS", "nomixer", "compositioninput"};
  static const std::set<std::string> old_valued = {"memory", "mmap", "encoding", "textenc", "pathenc", "plugins", "display", "eden",
                                                   "leakcheck", "stackpages", "numextsems", "maxoldspace", "pollpip"};
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    std::string name = option_name(a);
    bool has_value = a.find('=') != std::string::npos;
    if (vm.generation == Generation::New) {
      if (new_flags.count(name)) {
        if (name == "version") out.print_version = true;
        if (name == "help" || name == "h") out.print_help = true;
        continue;
      }
      if (new_valued.count(name)) {
        if (!has_value) {
          if (i + 1 >= args.size()) {
            std::fprintf(stderr, "VM parameter %s requires a value\n", a.c_str());
            new_vm_usage(exe);
            return std::nullopt;
          }
          ++i;
        }
        continue;
      }
      std::fprintf(stderr, "Invalid or unknown VM parameter %s\n", a.c_str());
      new_vm_usage(exe);
      return std::nullopt;
    }
    if (old_flags.count(name)) {
      if (name == "version") out.print_version = true;
      if (name == "help") out.print_help = true;
      continue;
    }
    if (old_valued.count(name)) {
      if (i + 1 < args.size()) ++i;
      continue;
    }
    std::fprintf(stderr, "unknown option: %s\n", a.c_str());
    std::fprintf(stderr, "Usage: %s [<option>...] [<imageName> [<argument>...]]\n", exe.c_str());
    std::fprintf(stderr, "       %s [<option>...] -- [<argument>...]\n", exe.c_str());
    return std::nullopt;
  }
  if (i < args.size() && (i == 0 || args[i - 1] != "--")) out.image = args[i++];
  for (; i < args.size(); ++i) out.image_args.push_back(args[i]);
  return out;
}

}  // namespace sim
