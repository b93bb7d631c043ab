#include "build/smalltalkci_spec.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "build/ston.hpp"
#include "util/atomic_file.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

namespace {

std::string text_field(const StonValue& spec, const char* key, const std::string& file) {
  const StonValue* v = spec.find(key);
  if (v == nullptr || v->kind == StonValue::Kind::Nil) return "";
  if (!v->is_text()) throw usage_error(fmt::format("{}: SCIMetacelloLoadSpec #{} must be a string", file, key));
  return v->text;
}

bool loads_on_pharo(const StonValue& spec) {
  const StonValue* platforms = spec.find("platforms");
  if (platforms == nullptr || platforms->kind == StonValue::Kind::Nil) return true;
  if (platforms->kind != StonValue::Kind::List) return platforms->is_text() && platforms->text == "pharo";
  if (platforms->items.empty()) return true;  // smalltalkCI: none given means every platform
  return std::any_of(platforms->items.begin(), platforms->items.end(),
                     [](const StonValue& p) { return p.is_text() && p.text == "pharo"; });
}

}  // namespace

SmalltalkCiLoadSpec pharo_load_spec(const std::string& text, const std::string& file) {
  StonValue root = parse_ston(text, file);
  if (root.kind != StonValue::Kind::Map || root.class_name != "SmalltalkCISpec") {
    throw usage_error(fmt::format("{}: expected SmalltalkCISpec {{ #loading : [ ... ] }} (smalltalkCI's format)", file));
  }
  const StonValue* loading = root.find("loading");
  if (loading == nullptr || loading->kind != StonValue::Kind::List) {
    throw usage_error(fmt::format("{}: SmalltalkCISpec has no #loading list", file));
  }
  std::string skipped;
  for (const StonValue& spec : loading->items) {
    if (spec.kind != StonValue::Kind::Map || spec.class_name != "SCIMetacelloLoadSpec" || !loads_on_pharo(spec)) {
      if (!spec.class_name.empty()) skipped += (skipped.empty() ? "" : ", ") + spec.class_name;
      continue;
    }
    SmalltalkCiLoadSpec out;
    out.baseline = text_field(spec, "baseline", file);
    if (out.baseline.empty()) {
      std::string configuration = text_field(spec, "configuration", file);
      throw usage_error(fmt::format("{}: SCIMetacelloLoadSpec {}: pharoctl builds from a #baseline (BaselineOf...)", file,
                                    configuration.empty() ? "has no #baseline"
                                                          : "names #configuration '" + configuration + "'"));
    }
    out.directory = text_field(spec, "directory", file);
    out.repository = text_field(spec, "repository", file);
    if (const StonValue* load = spec.find("load")) {
      if (load->is_text()) {
        out.load.push_back(load->text);
      } else if (load->kind == StonValue::Kind::List) {
        for (const StonValue& g : load->items) {
          if (!g.is_text()) throw usage_error(fmt::format("{}: SCIMetacelloLoadSpec #load must list strings", file));
          out.load.push_back(g.text);
        }
      } else if (load->kind != StonValue::Kind::Nil) {
        throw usage_error(fmt::format("{}: SCIMetacelloLoadSpec #load must be a string or a list of strings", file));
      }
    }
    return out;
  }
  throw usage_error(fmt::format("{}: #loading has no SCIMetacelloLoadSpec that loads on #pharo{}", file,
                                skipped.empty() ? "" : " (found: " + skipped + ")"));
}

SourceConfig source_from_smalltalk_ston(const fs::path& ston_file) {
  std::error_code ec;
  if (!fs::is_regular_file(ston_file, ec)) {
    throw usage_error(fmt::format("{}: no such file (a project's .smalltalk.ston, smalltalkCI's format)", ston_file.string()));
  }
  SmalltalkCiLoadSpec spec = pharo_load_spec(read_file(ston_file), ston_file.string());
  SourceConfig source;
  source.baseline = spec.baseline;
  if (!spec.load.empty()) source.groups = spec.load;
  if (!spec.repository.empty()) {
    source.repository = spec.repository;
    return source;
  }
  fs::path project = fs::absolute(ston_file).parent_path();
  fs::path dir = (spec.directory.empty() ? project : project / spec.directory).lexically_normal();
  if (!dir.empty() && dir.native().size() > 1 && dir.native().back() == '/') dir = dir.parent_path();
  if (!fs::is_directory(dir, ec)) {
    throw usage_error(fmt::format("{}: #directory '{}': {} is not a directory", ston_file.string(), spec.directory,
                                  dir.string()));
  }
  std::string format = "filetree";
  fs::path properties = dir / ".properties";
  if (fs::is_regular_file(properties, ec)) {
    StonValue p = parse_ston(read_file(properties), properties.string());
    if (const StonValue* f = p.find("format"); f != nullptr && f->is_text()) format = f->text;
  }
  if (format != "tonel" && format != "filetree") {
    throw usage_error(fmt::format("{}: #format '{}' (expected #tonel or #filetree)", properties.string(), format));
  }
  source.repository = format + "://" + dir.string();
  return source;
}

ServiceConfig with_smalltalk_ston(const ServiceConfig& config, const fs::path& service_dir) {
  if (config.source.smalltalk_ston.empty()) return config;
  fs::path ston = config.source.smalltalk_ston;
  if (ston.is_relative()) ston = service_dir / ston;
  SourceConfig from = source_from_smalltalk_ston(ston);
  ServiceConfig out = config;
  out.source.repository = from.repository;
  out.source.baseline = from.baseline;
  out.source.groups = from.groups;
  return out;
}

}  // namespace pharoctl
