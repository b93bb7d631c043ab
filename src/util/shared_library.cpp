#include "util/shared_library.hpp"

#include <dlfcn.h>

#include <fmt/format.h>

#include "util/failure.hpp"

namespace pharoctl {

SharedLibrary::SharedLibrary(const char* soname, const char* debian_package)
    : handle_(::dlopen(soname, RTLD_NOW | RTLD_LOCAL)), soname_(soname), package_(debian_package) {
  if (handle_ == nullptr) {
    const char* why = ::dlerror();
    throw operation_failed(fmt::format("this needs {}, which cannot be loaded ({}); install the Debian package {}",
                                       soname_, why ? why : "not found", package_));
  }
}

void* SharedLibrary::find(const char* symbol) const {
  ::dlerror();
  void* address = ::dlsym(handle_, symbol);
  if (address == nullptr) {
    throw operation_failed(fmt::format("{} has no {} (too old?); install a current {} package", soname_, symbol,
                                       package_));
  }
  return address;
}

}  // namespace pharoctl
