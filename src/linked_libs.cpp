// The compiled parts of fmt and toml++, built into the pharoctl and pharoctl-supervise
// executables themselves (the supervisor's resident memory: docs/supervisor.md): with them,
// and libstdc++ and libgcc linked statically, a short command maps libc, libm and libmd and
// nothing else (loading libfmt, libtomlplusplus and the libstdc++ they need was about 1.8 of
// the 5 ms `pharoctl --version` took here: docs/architecture.md). The headers are the ones the
// core is compiled against, so the definitions are those the shared libraries hold.
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
