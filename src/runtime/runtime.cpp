#include "runtime/runtime.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include "service/home.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

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
  return r;
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
