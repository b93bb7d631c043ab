#pragma once
// A library only a few commands need, opened on first use (dlopen) rather than linked: the short
// commands (status, start, logs, eval, --version) then map none of libcurl, libarchive, libedit
// or libcrypto and the dozens of libraries these pull in (docs/architecture.md, "Libraries
// loaded on first use"). Each user keeps a small table of the functions it calls, filled once:
//
//   struct Api { decltype(&::archive_read_new) read_new; ... };
//   const Api& api() {
//     static const Api a = [] {
//       SharedLibrary lib("libarchive.so.13", "libarchive13");
//       Api t{};
//       lib.bind(t.read_new, "archive_read_new");
//       return t;
//     }();
//     return a;
//   }
//
// The library stays loaded until the process exits (libcurl and libcrypto do not support being
// unloaded).
#include <cstring>

namespace pharoctl {

class SharedLibrary {
 public:
  // Throws Failure(kExitFailed), one line naming the library and the Debian package that has it.
  SharedLibrary(const char* soname, const char* debian_package);

  template <typename F>
  void bind(F*& function, const char* symbol) const {
    void* address = find(symbol);
    static_assert(sizeof function == sizeof address);
    std::memcpy(&function, &address, sizeof function);  // object to function pointer, as dlsym(3) says
  }

 private:
  void* find(const char* symbol) const;  // throws, naming the library and the symbol
  void* handle_;
  const char* soname_;
  const char* package_;
};

}  // namespace pharoctl
