#include "runtime/image_version.hpp"

#include <algorithm>
#include <regex>

#include "util/clean_text.hpp"
#include "util/copy_file.hpp"
#include "process/run_command.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

std::optional<ImageVersion> parse_print_version(const std::string& output) {
  static const std::regex full(R"((Pharo-(\d+)\.(\d+)\.\d+[^' \n]*(?: \((?:32|64) Bit\))?))");
  static const std::regex short_name(R"(\bPharo(\d+)\.(\d+)(?:\.\d+)?\b)");
  static const std::regex sha(R"(\bsha\.([0-9a-f]{7}))");
  std::string text = clean_text(output);
  std::smatch m;
  ImageVersion v;
  if (std::regex_search(text, m, full)) {
    v.text = m[1].str();
    v.version = m[2].str() + m[3].str();
  } else if (std::regex_search(text, m, short_name)) {
    v.text = m[0].str();
    v.version = m[1].str() + m[2].str();
  } else {
    return std::nullopt;
  }
  if (std::regex_search(v.text, m, sha)) v.commit = m[1].str();
  return v;
}

std::optional<ImageVersion> ask_image_version(const fs::path& vm, const std::string& headless, const fs::path& image,
                                              const fs::path& scratch) {
  fs::create_directories(scratch);
  fs::path copy = scratch / "probe.image";
  std::error_code ec;
  // Copies that report a full disk as such (copy_file_reporting creates; a copy left here goes).
  fs::remove(copy, ec);
  copy_file_reporting(image, copy);
  fs::permissions(copy, fs::perms(0644));
  fs::path changes = fs::path(image).replace_extension(".changes");
  if (fs::is_regular_file(changes, ec)) {
    fs::remove(scratch / "probe.changes", ec);
    copy_file_reporting(changes, scratch / "probe.changes");
    fs::permissions(scratch / "probe.changes", fs::perms(0644));
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    RunRequest req;
    req.argv = {vm.string()};
    if (!headless.empty()) req.argv.push_back(headless);
    req.argv.push_back(copy.string());
    req.argv.push_back("printVersion");
    req.cwd = scratch;
    req.timeout = std::chrono::seconds(30);
    RunResult r = run_command(req);
    if (auto v = parse_print_version(r.output)) return v;
    // Exit 0 and silent: the first start of a fresh image, which saved itself; ask once more.
    if (!r.ok() || !meaningful_lines(r.output).empty()) break;
  }
  return std::nullopt;
}

std::string choose_sources(const std::vector<std::string>& candidates, const std::string& version,
                           const std::string& commit) {
  static const std::regex modern(R"(^Pharo(\d+)\.(\d+)-(?:32|64)bit-([0-9a-f]+)\.sources$)");
  static const std::regex plain(R"(^Pharo(\d+)\.(\d+)[^/]*\.sources$)");
  static const std::regex old(R"(^(?:.*/)?PharoV(\d)(\d)\.sources$)");
  std::string by_version, by_commit;
  for (const std::string& c : candidates) {
    std::string name = fs::path(c).filename().string();
    std::smatch m;
    if (std::regex_match(name, m, modern)) {
      if (m[1].str() + m[2].str() != version) continue;
      if (!commit.empty() && m[3].str().rfind(commit.substr(0, std::min<size_t>(7, m[3].str().size())), 0) == 0 &&
          by_commit.empty())
        by_commit = c;
      if (by_version.empty()) by_version = c;
    } else if (std::regex_match(name, m, plain) || std::regex_match(c, m, old)) {
      if (m[1].str() + m[2].str() == version && by_version.empty()) by_version = c;
    }
  }
  return !by_commit.empty() ? by_commit : by_version;
}

}  // namespace pharoctl
