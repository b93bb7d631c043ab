#include "runtime/install_source.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "runtime/download.hpp"
#include "runtime/zip_unpack.hpp"
#include "service/home.hpp"
#include "util/failure.hpp"

namespace pharoctl {
namespace fs = std::filesystem;

ZipNames zip_names_for(const std::string& version) {
  if (version == "70" || version == "80") return {"pharo64.zip", "pharo64-linux-stable.zip"};
  for (const char* v : kPharoVersions) {
    if (version == v) return {"pharoImage-x86_64.zip", "pharo-vm-Linux-x86_64-stable.zip"};
  }
  throw usage_error(fmt::format("unknown Pharo version '{}': use one of {}, or sim", version, fmt::join(kPharoVersions, " ")));
}

std::string download_base_url(const std::string& mirror, const std::string& version) {
  std::string base = mirror.empty() ? kFilesPharoOrg : mirror;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return fmt::format("{}/get-files/{}/", base, version);
}

std::vector<fs::path> find_zips_in(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const char* name : {"pharo64.zip", "pharoImage-x86_64.zip", "pharo64-linux-stable.zip",
                           "pharo-vm-Linux-x86_64-stable.zip"}) {
    std::error_code ec;
    if (fs::is_regular_file(dir / name, ec)) out.push_back(dir / name);
  }
  return out;
}

namespace {

// The directory that holds a zip's content: its root, or the one directory the root holds.
fs::path content_root(const fs::path& unpacked) {
  std::vector<fs::path> entries;
  for (const fs::directory_entry& e : fs::directory_iterator(unpacked)) entries.push_back(e.path());
  if (entries.size() == 1 && fs::is_directory(fs::symlink_status(entries.front()))) return entries.front();
  return unpacked;
}

std::vector<fs::path> with_extension(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ext && fs::is_regular_file(fs::symlink_status(e.path()))) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string stage_zips(const std::vector<fs::path>& zips, const fs::path& scratch, const InstallOptions& options) {
  fs::path image_root, vm_root, image_zip, vm_zip;
  for (size_t i = 0; i < zips.size(); ++i) {
    options.note(fmt::format("unpacking {}", zips[i].filename().string()));
    fs::path unpacked = scratch / fmt::format(".unpack-{}", i);
    std::vector<std::string> members = unpack_zip(zips[i], unpacked);
    if (members.empty()) throw operation_failed(fmt::format("{}: empty zip", zips[i].string()));
    fs::path root = content_root(unpacked);
    bool has_image = !with_extension(root, ".image").empty();
    bool has_vm = fs::is_regular_file(fs::symlink_status(root / "pharo"));
    if (has_image && image_root.empty()) {
      image_root = root;
      image_zip = zips[i];
    } else if (has_vm && !has_image && vm_root.empty()) {
      vm_root = root;
      vm_zip = zips[i];
    } else {
      throw operation_failed(fmt::format(
          "{}: neither an image zip (an .image, .changes and .sources at its top) nor a VM zip (a `pharo` launcher "
          "at its top), or a second one of a kind",
          zips[i].string()));
    }
  }
  if (image_root.empty()) throw operation_failed("no image zip among the files given (one holding an .image)");
  if (vm_root.empty()) throw operation_failed("no VM zip among the files given (one holding the `pharo` launcher)");

  std::vector<fs::path> images = with_extension(image_root, ".image");
  std::vector<fs::path> changes = with_extension(image_root, ".changes");
  std::vector<fs::path> sources = with_extension(image_root, ".sources");
  if (images.size() != 1 || changes.size() != 1) {
    throw operation_failed(fmt::format("{}: expected one .image and one .changes, found {} and {}",
                                       image_zip.string(), images.size(), changes.size()));
  }
  if (sources.empty()) throw operation_failed(fmt::format("{}: no .sources file", image_zip.string()));
  // As get.pharo.org does: the image and changes become Pharo.image / Pharo.changes; the sources
  // keep their versioned name, which the image looks for.
  fs::rename(images.front(), scratch / "Pharo.image");
  fs::rename(changes.front(), scratch / "Pharo.changes");
  for (const fs::path& s : sources) fs::rename(s, scratch / s.filename());
  fs::rename(vm_root, scratch / "pharo-vm");
  for (size_t i = 0; i < zips.size(); ++i) fs::remove_all(scratch / fmt::format(".unpack-{}", i));
  return options.source.empty() ? fmt::format("{} {}", image_zip.string(), vm_zip.string()) : options.source;
}

std::vector<fs::path> download_zips(const Home& home, const InstallOptions& options) {
  ZipNames names = zip_names_for(options.version);
  std::string base = download_base_url(options.mirror, options.version);
  fs::path downloads = home.runtimes() / ".downloads";
  std::vector<fs::path> out;
  for (const std::string& name : {names.image, names.vm}) {
    DownloadRequest req;
    req.url = base + name;
    req.dest = downloads / fmt::format("{}-{}", options.version, name);
    req.progress = options.progress;
    req.note = options.note;
    options.note(fmt::format("downloading {}", req.url));
    download_file(req);
    out.push_back(req.dest);
  }
  return out;
}

}  // namespace pharoctl
