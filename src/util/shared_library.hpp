#pragma once
// A library only a few commands need, opened on first use (dlopen) rather than linked: the short
// commands (status, start, logs, eval, --version) then map none of libcurl, libarchive, libedit
// or libcrypto and the dozens of libraries these pull in (docs/architecture.md, "Libraries
// loaded on first use"). Each user lists the functions it calls once; the table's members bear
// the functions' own names:
//
//   #define ARCHIVE_FUNCTIONS(F) F(archive_read_new) F(archive_read_free)
//   struct ArchiveLibrary { ARCHIVE_FUNCTIONS(PHAROCTL_DECLARE_FUNCTION) };
//   const ArchiveLibrary& archive_library() {
//     return load_library<ArchiveLibrary>("libarchive.so.13", "libarchive13",
//         [](const SharedLibrary& lib, ArchiveLibrary& t) { ARCHIVE_FUNCTIONS(PHAROCTL_BIND_FUNCTION) });
//   }
//   archive_library().archive_read_new();
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

// Opens the library once per process (thread-safe, as any function-local static) and fills a
// `Table` with `bind_all`; throws as SharedLibrary does, and tries again on the next call. One
// call site per table (its accessor): each call site has a static of its own.
template <typename Table, typename BindAll>
const Table& load_library(const char* soname, const char* debian_package, BindAll bind_all) {
  static const Table table = [&] {
    SharedLibrary lib(soname, debian_package);
    Table t{};
    bind_all(lib, t);
    return t;
  }();
  return table;
}

}  // namespace pharoctl

// A table member of the function's own type and name, and its binding (inside bind_all, whose
// parameters are `lib` and `t`).
#define PHAROCTL_DECLARE_FUNCTION(name) decltype(&::name) name;
#define PHAROCTL_BIND_FUNCTION(name) lib.bind(t.name, #name);
