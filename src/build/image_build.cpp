#include "build/image_build.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "build/build_proof.hpp"
#include "service/credentials.hpp"
#include "build/smalltalkci_spec.hpp"
#include "build/source_revision.hpp"
#include "render/build_script.hpp"
#include "runtime/base_image_copy.hpp"
#include "runtime/image_header.hpp"
#include "runtime/runtime.hpp"
#include "service/home.hpp"
#include "runtime/vm_last_words.hpp"
#include "util/directory_guard.hpp"
#include "util/atomic_file.hpp"
#include "util/clean_text.hpp"
#include "util/failure.hpp"
#include "process/run_command.hpp"
#include "util/sha256.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kKeyLength = 16;  // hex digits of the SHA-256 used as the directory name

// Milliseconds, so that builds made within one second still sort by age.
std::string utc_now_iso() {
  auto now = std::chrono::system_clock::now();
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03}Z", buf, ms);
}

// Every file below `root` (but .git/): names, modes and contents. Committed or not, any change
// to what Metacello would load changes this hash.
std::string hash_tree(const fs::path& root) {
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    if (it->path().filename() == ".git" && it->is_directory()) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink() || it->is_regular_file()) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  Sha256 h;
  for (const fs::path& f : files) {
    std::string rel = f.lexically_relative(root).string();
    h.update(rel);
    h.update("\0", 1);
    if (fs::is_symlink(f)) {
      h.update("link:" + fs::read_symlink(f).string());
    } else {
      h.update(::access(f.c_str(), X_OK) == 0 ? "x:" : "f:");
      h.update(sha256_file(f));
    }
    h.update("\n");
  }
  return h.hex_digest();
}

std::string file_tail(const fs::path& file, size_t lines) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return "";
  try {
    return last_lines(read_file(file), lines);
  } catch (const Failure&) {
    return "";
  }
}

std::vector<std::string> released_build_keys(const ServicePaths& paths) {
  std::vector<std::string> keys;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(paths.releases(), ec)) {
    fs::path rj = e.path() / "release.json";
    if (!fs::is_regular_file(rj, ec)) continue;
    try {
      nlohmann::json j = nlohmann::json::parse(read_file(rj));
      for (const char* field : {"build", "build_key"}) {
        if (j.contains(field) && j[field].is_string()) keys.push_back(j[field].get<std::string>());
      }
    } catch (const std::exception&) {
      // A release.json pharoctl cannot read still counts: keep every build rather than guess.
      keys.push_back("*");
    }
  }
  return keys;
}

}  // namespace

fs::path local_repository_path(const std::string& repository, const fs::path& base) {
  for (const char* scheme : {"gitlocal://", "tonel://", "filetree://"}) {
    std::string s(scheme);
    if (repository.rfind(s, 0) == 0) {
      fs::path p = repository.substr(s.size());
      return p.is_absolute() ? p : base / p;
    }
  }
  return {};
}

BuildInputs build_inputs(const Home& home, const ServiceConfig& config) {
  BuildInputs in;
  in.runtime = config.runtime;
  Runtime rt = load_runtime(home, config.runtime);
  check_image_file(rt.image_path());
  // The image's real content, never runtime.toml's record of it: a runtime written after install
  // (a VM run in place, a hand edit) must not pass for the one the cached builds were made from.
  in.base_image_sha256 = sha256_file(rt.image_path());
  in.repository = config.source.repository;
  in.configured_repository = config.source.repository;
  in.baseline = config.source.baseline;
  in.groups = config.source.groups;
  fs::path local = local_repository_path(config.source.repository, home.service(config.name).dir());
  // The VM runs in a scratch directory: a relative local repository is handed to it absolute.
  ServiceConfig rendered = config;
  if (local.empty() && !config.source.repository.empty()) {
    // A remote repository: its ref resolved to the commit, which both enters the key and is
    // what build.st loads (docs/runtimes-and-builds.md, "Build keys").
    SourceRevision rev = resolve_source_revision(config.source.repository, load_credentials(home));
    in.source_commit = rev.commit;
    // Keyed on the pinned form: `main` resolved to C and a service pinned to C share one build.
    in.repository = rev.repository;
    rendered.source.repository = rev.repository;
  }
  if (!local.empty()) {
    local = local.lexically_normal();
    std::string scheme = config.source.repository.substr(0, config.source.repository.find("://") + 3);
    rendered.source.repository = scheme + local.string();
  }
  in.script = render_build_script(rendered);
  if (!local.empty()) {
    std::error_code ec;
    if (!fs::is_directory(local, ec)) {
      throw usage_error(fmt::format("{}: [source].repository: {} is not a directory (a local repository must exist)",
                                    home.service(config.name).service_toml().string(), local.string()));
    }
    in.local_repository = local.string();
    in.local_repository_hash = hash_tree(local);
  }
  Sha256 h;
  h.update("pharoctl build inputs v1\n");
  for (const std::string& part : {in.runtime, in.base_image_sha256, sha256_hex(in.script), in.repository, in.baseline,
                                  fmt::format("{}", fmt::join(in.groups, ",")), config.image,
                                  in.local_repository_hash, in.source_commit}) {
    h.update(part);
    h.update("\n", 1);
  }
  in.key = h.hex_digest().substr(0, kKeyLength);
  return in;
}

namespace {

// Runs build.st in the scratch directory with the credentials in its environment; with
// options.progress, the VM's last line and the time taken on one redrawn line of stderr.
RunResult run_build_script(const ServiceConfig& config, const Runtime& rt, const std::string& image,
                           const fs::path& scratch, const BuildInputs& in, const BuildOptions& options,
                           Clock::time_point started, const std::map<std::string, std::string>& secrets) {
  RunRequest req;
  req.argv = {rt.vm_path().string(), rt.headless, (scratch / (image + ".image")).string(), "st", "--save", "--quit",
              "build.st"};
  req.cwd = scratch;
  req.timeout = options.timeout;
  for (const auto& [k, v] : secrets) req.env.set(k, v);
  std::string phase = "starting the VM";
  auto last_draw = Clock::now() - std::chrono::seconds(1);
  req.on_output = [&](const std::string* line) {
    if (line && !line->empty()) phase = *line;
    if (!options.progress) return;
    auto now = Clock::now();
    if (now - last_draw < std::chrono::milliseconds(100)) return;
    last_draw = now;
    double secs = std::chrono::duration<double>(now - started).count();
    std::string shown = clean_line(phase);
    shown = shown.size() > 60 ? shown.substr(0, 57) + "..." : shown;
    fmt::print(stderr, "\rbuilding {} {:5.1f}s  {}\x1b[K", config.name, secs, shown);
  };
  options.note(fmt::format("building {} on runtime {} (key {})", config.name, rt.display_name(), in.key));
  RunResult run = run_command(req);
  if (options.progress) fmt::print(stderr, "\r\x1b[K");
  return run;
}

// What a failed build says: the VM's end, its last words, the tails of its output and log.
std::string build_failure(const ServiceConfig& config, const fs::path& scratch, const RunResult& run) {
  std::string out_tail = clean_text(last_lines(run.output, 20));
  std::string log_tail = clean_text(file_tail(scratch / "PharoDebug.log", 20));
  VmLastWords words;
  words.feed_text(run.output);
  std::string said = words.summary();
  if (!log_tail.empty()) {
    std::vector<std::string> first = meaningful_lines(file_tail(scratch / "PharoDebug.log", 1000));
    if (!first.empty()) said += (said.empty() ? "" : "; ") + std::string("PharoDebug.log: ") + first.front();
  }
  std::string msg = fmt::format("build of {} failed: the VM {}{}", config.name,
                                run.describe(),
                                said.empty() ? "" : ": " + said);
  if (!out_tail.empty()) msg += "\n--- VM output (last lines) ---\n" + out_tail;
  if (!log_tail.empty()) msg += "\n--- PharoDebug.log (last lines) ---\n" + log_tail;
  return msg;
}

// Only the image, changes, sources and the script that made them are kept.
void keep_build_files(const fs::path& scratch, const std::string& image) {
  for (const fs::directory_entry& e : fs::directory_iterator(scratch)) {
    std::string n = e.path().filename().string();
    if (n != image + ".image" && n != image + ".changes" && n != "build.st" && e.path().extension() != ".sources") {
      fs::remove_all(e.path());
    }
  }
}

nlohmann::json build_manifest(const BuildInputs& in, const ServiceConfig& config, const std::string& image,
                              const Runtime& rt, const ImageHeader& header, const fs::path& scratch,
                              std::chrono::milliseconds duration) {
  return {
      {"key", in.key},
      {"service", config.name},
      {"image", image + ".image"},
      {"created_at", utc_now_iso()},
      {"duration_ms", duration.count()},
      {"inputs",
       {{"runtime", in.runtime},
        {"base_image_sha256", in.base_image_sha256},
        {"build_script_sha256", sha256_hex(in.script)},
        {"repository", in.configured_repository},
        {"resolved_repository", in.repository},
        {"baseline", in.baseline},
        {"groups", in.groups},
        {"local_repository", in.local_repository},
        {"local_repository_hash", in.local_repository_hash},
        {"source_commit", in.source_commit}}},
      {"sizes",
       {{"image", header.file_size},
        {"changes", fs::exists(scratch / (image + ".changes")) ? fs::file_size(scratch / (image + ".changes")) : 0}}},
      {"vm_version", rt.vm_version},
      {"runtime_version", rt.version},
      {"image_format", header.format},
      {"image_pharo_version", header.pharo_version},
  };
}

}  // namespace

BuildResult build_service(const Home& home, const ServiceConfig& service_config, const BuildOptions& options) {
  auto started = Clock::now();
  BuildResult result;
  if (service_config.source.strategy == Strategy::LoadOnStart) {
    result.not_needed = true;
    return result;
  }
  ServicePaths paths = home.service(service_config.name);
  // A .smalltalk.ston names the repository and baseline: read once, for the key, the build
  // script and the proof that the saved image has the baseline.
  const ServiceConfig config = with_smalltalk_ston(service_config, paths.dir());
  BuildInputs in = build_inputs(home, config);
  result.key = in.key;
  result.source_commit = in.source_commit;
  result.dir = paths.builds() / in.key;
  std::error_code ec;
  if (!options.no_cache && fs::is_regular_file(result.dir / "manifest.json", ec)) {
    result.cached = true;
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return result;
  }
  Runtime rt = load_runtime(home, config.runtime);
  std::map<std::string, std::string> secrets = load_credentials(home);
  const std::string& image = config.image_name();

  std::error_code exists_ec;
  bool builds_existed = fs::exists(paths.builds(), exists_ec);
  fs::create_directories(paths.builds());
  std::random_device rd;
  fs::path scratch = paths.builds() / fmt::format(".tmp-{}-{}-{:08x}", in.key, ::getpid(), rd());
  // A failed build leaves the home as it was: no scratch, and no builds/ it had to create.
  fs::create_directory(scratch);
  DirectoryGuard cleanup(scratch);
  if (!builds_existed) cleanup.also_empty_parent();
  stage_base_image(rt, image, scratch, SourcesBy::copy);  // the build is kept and shipped: its own sources
  write_file_atomic(scratch / "build.st", in.script);

  RunResult run = run_build_script(config, rt, image, scratch, in, options, started, secrets);
  if (!run.ok() && !says_no_handler(run.output)) {
    throw operation_failed(build_failure(config, scratch, run));
  }
  // Exit status 0 is not enough: the marker of a completed build.st, then the saved image's own
  // answer about NeoConsole and the baseline (build/build_proof.hpp).
  prove_build(config, rt, scratch, scratch / (image + ".image"), run, options.timeout);
  ImageHeader header = check_image_file(scratch / (image + ".image"));
  keep_build_files(scratch, image);
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  nlohmann::json manifest = build_manifest(in, config, image, rt, header, scratch, result.duration);
  write_file_atomic(scratch / "manifest.json", manifest.dump(2) + "\n");
  if (fs::exists(result.dir)) fs::remove_all(result.dir);  // --no-cache: the new build replaces it
  if (::rename(scratch.c_str(), result.dir.c_str()) != 0) {
    throw operation_failed(fmt::format("cannot move the build into {}: {}", result.dir.string(), std::strerror(errno)));
  }
  cleanup.release();
  prune_builds(home, config.name, options.keep);
  return result;
}

std::vector<BuildInfo> list_builds(const Home& home, const std::string& service) {
  ServicePaths paths = home.service(service);
  std::vector<std::string> released = released_build_keys(paths);
  bool keep_all = std::find(released.begin(), released.end(), "*") != released.end();
  std::vector<BuildInfo> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(paths.builds(), ec)) {
    std::string key = e.path().filename().string();
    if (key.empty() || key[0] == '.') continue;
    fs::path mf = e.path() / "manifest.json";
    if (!fs::is_regular_file(mf, ec)) continue;
    BuildInfo b;
    b.key = key;
    b.dir = e.path();
    try {
      nlohmann::json j = nlohmann::json::parse(read_file(mf));
      b.created_at = j.value("created_at", "");
      b.duration_ms = j.value("duration_ms", 0LL);
      if (j.contains("sizes")) b.image_size = j["sizes"].value("image", 0ULL);
    } catch (const std::exception&) {
    }
    b.released = keep_all || std::find(released.begin(), released.end(), key) != released.end();
    out.push_back(std::move(b));
  }
  std::sort(out.begin(), out.end(), [](const BuildInfo& a, const BuildInfo& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.key < b.key;
  });
  return out;
}

std::vector<std::string> prune_builds(const Home& home, const std::string& service, size_t keep) {
  std::vector<std::string> removed;
  size_t kept = 0;
  for (const BuildInfo& b : list_builds(home, service)) {
    if (b.released) continue;
    if (kept < keep) {
      ++kept;
      continue;
    }
    std::error_code ec;
    fs::remove_all(b.dir, ec);
    if (!ec) removed.push_back(b.key);
  }
  return removed;
}

}  // namespace pharoctl
