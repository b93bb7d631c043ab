// The compiled parts of fmt and toml++, built into pharoctl-supervise itself (and only there):
// with them and libstdc++ linked in, the long-lived supervisor maps libc and nothing else of
// its own (libfmt, libtomlplusplus and the libstdc++ they need would be ~1 MB of its resident
// memory, for two functions of each). The headers are the ones the core is compiled against,
// so the definitions are the same the shared libraries hold.
#include <fmt/format-inl.h>

// The templates the core's objects use beyond the header's inline code.
FMT_BEGIN_NAMESPACE
namespace detail {
template FMT_API auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto decimal_point_impl<char>(locale_ref) -> char;
}  // namespace detail
FMT_END_NAMESPACE

#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
