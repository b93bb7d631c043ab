#include "runtime/runtime.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "service/home.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

std::string Runtime::display_name() const {
  return vm_version.find("pharo-sim") != std::string::npos ? name + " (pharo-sim)" : name;
}

const char* to_string(VmGeneration g) { return g == VmGeneration::Old ? "old" : "new"; }

const char* headless_option(VmGeneration g) { return g == VmGeneration::Old ? "--nodisplay" : "--headless"; }

Runtime parse_runtime_toml(const std::string& text, const std::string& file, const fs::path& dir) {
  toml::table t;
  try {
    t = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw usage_error(fmt::format("{}:{}:{}: not valid TOML: {}", file, e.source().begin.line, e.source().begin.column,
                                  std::string(e.description())));
  }
  auto need = [&](const char* key) -> std::string {
    auto v = t[key].value<std::string>();
    if (!v) throw usage_error(fmt::format("{}: {}: missing or not a string (reinstall the runtime)", file, key));
    return *v;
  };
  Runtime r;
  r.dir = dir;
  r.name = need("name");
  r.version = need("version");
  std::string gen = need("vm_generation");
  if (gen == "old") r.generation = VmGeneration::Old;
  else if (gen == "new") r.generation = VmGeneration::New;
  else throw usage_error(fmt::format("{}: vm_generation: \"{}\" is not \"old\" or \"new\"", file, gen));
  r.headless = t["headless_option"].value_or(std::string(headless_option(r.generation)));
  r.vm = t["vm"].value_or(r.vm);
  r.image = t["image"].value_or(r.image);
  r.image_format = t["image_format"].value_or(0LL);
  r.vm_generation_from = t["vm_generation_from"].value_or(std::string());
  r.vm_version = t["vm_version"].value_or(std::string());
  r.changes = t["changes"].value_or(std::string());
  r.sources = t["sources"].value_or(std::string());
  r.image_pharo_version = static_cast<unsigned>(t["image_pharo_version"].value_or(0LL));
  r.image_version = t["image_version"].value_or(std::string());
  r.image_version_from = t["image_version_from"].value_or(std::string());
  r.image_size = static_cast<uint64_t>(t["image_size"].value_or(0LL));
  r.image_data_size = static_cast<uint64_t>(t["image_data_size"].value_or(0LL));
  r.image_sha256 = t["image_sha256"].value_or(std::string());
  r.source = t["source"].value_or(std::string());
  r.installed_at = t["installed_at"].value_or(std::string());
  if (const toml::array* files = t["files"].as_array()) {
    for (const toml::node& n : *files) {
      const toml::table* f = n.as_table();
      if (!f) continue;
      RuntimeFile rf;
      rf.path = (*f)["path"].value_or(std::string());
      rf.size = static_cast<uint64_t>((*f)["size"].value_or(0LL));
      rf.sha256 = (*f)["sha256"].value_or(std::string());
      rf.link = (*f)["link"].value_or(std::string());
      rf.executable = (*f)["executable"].value_or(false);
      r.files.push_back(std::move(rf));
    }
  }
  return r;
}

namespace {

// A TOML basic string: quoted, with what TOML requires escaped.
std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (u < 0x20 || u == 0x7f) out += fmt::format("\\u{:04x}", u);
    else out += c;
  }
  return out + "\"";
}

}  // namespace

std::string render_runtime_toml(const Runtime& r) {
  std::string out = "# Written by `pharoctl install`; pharoctl reads it to start VMs. Do not edit.\n";
  auto str = [&](const char* key, const std::string& v) { out += fmt::format("{} = {}\n", key, quote(v)); };
  auto num = [&](const char* key, uint64_t v) { out += fmt::format("{} = {}\n", key, v); };
  str("name", r.name);
  str("version", r.version);
  str("vm_generation", to_string(r.generation));
  str("vm_generation_from", r.vm_generation_from);
  str("headless_option", r.headless.empty() ? headless_option(r.generation) : r.headless);
  str("vm", r.vm);
  str("vm_version", r.vm_version);
  str("image", r.image);
  str("changes", r.changes);
  str("sources", r.sources);
  num("image_format", static_cast<uint64_t>(r.image_format));
  num("image_pharo_version", r.image_pharo_version);
  str("image_version", r.image_version);
  str("image_version_from", r.image_version_from);
  num("image_size", r.image_size);
  num("image_data_size", r.image_data_size);
  str("image_sha256", r.image_sha256);
  str("source", r.source);
  str("installed_at", r.installed_at);
  for (const RuntimeFile& f : r.files) {
    out += "\n[[files]]\n";
    str("path", f.path);
    if (!f.link.empty()) {
      str("link", f.link);
      continue;
    }
    num("size", f.size);
    str("sha256", f.sha256);
    if (f.executable) out += "executable = true\n";
  }
  return out;
}

std::vector<RuntimeEntry> list_runtimes(const Home& home) {
  std::vector<RuntimeEntry> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(home.runtimes(), ec)) {
    std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.' || !e.is_directory()) continue;
    fs::path file = e.path() / "runtime.toml";
    if (!fs::exists(file)) continue;
    RuntimeEntry entry;
    entry.name = name;
    try {
      entry.runtime = parse_runtime_toml(read_file(file), file.string(), e.path());
    } catch (const Failure& f) {
      entry.error = f.what();
    }
    out.push_back(std::move(entry));
  }
  std::sort(out.begin(), out.end(), [](const RuntimeEntry& a, const RuntimeEntry& b) { return a.name < b.name; });
  return out;
}

Runtime load_runtime(const Home& home, const std::string& name) {
  fs::path dir = home.runtime_dir(name);
  fs::path file = dir / "runtime.toml";
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    std::string hint = name.rfind("pharo-", 0) == 0 ? name.substr(6) : name;
    throw usage_error(fmt::format("runtime '{}' is not installed in {} (install it with: pharoctl install {})", name,
                                  home.runtimes().string(), hint));
  }
  return parse_runtime_toml(read_file(file), file.string(), dir);
}

}  // namespace pharoctl
