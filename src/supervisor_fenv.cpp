// fegetround and fesetround for pharoctl-supervise and pharoctl, on x86-64: the only two symbols they would take
// from libm (libstdc++'s std::from_chars for floating point, which toml++ parses floats with, sets
// the rounding to nearest around its strtold fallback). With them here libm is not loaded: its
// load-time ifunc resolvers alone made 0.3 MB of the supervisor's resident memory
// (docs/supervisor.md). Both follow C11 7.6.3: the x87 and the SSE rounding fields together.
#if defined(__x86_64__)
#include <fenv.h>

namespace {

constexpr unsigned kRoundingBits = FE_TONEAREST | FE_DOWNWARD | FE_UPWARD | FE_TOWARDZERO;  // 0xc00

}  // namespace

extern "C" int fegetround() noexcept {
  unsigned short control = 0;
  __asm__ volatile("fnstcw %0" : "=m"(control));
  return static_cast<int>(control & kRoundingBits);
}

extern "C" int fesetround(int round) noexcept {
  auto bits = static_cast<unsigned>(round);
  if ((bits & ~kRoundingBits) != 0) return 1;
  unsigned short control = 0;
  __asm__ volatile("fnstcw %0" : "=m"(control));
  control = static_cast<unsigned short>((control & ~kRoundingBits) | bits);
  __asm__ volatile("fldcw %0" : : "m"(control));
  // MXCSR keeps the same two bits three places higher (bits 13-14).
  unsigned mxcsr = __builtin_ia32_stmxcsr();
  __builtin_ia32_ldmxcsr((mxcsr & ~(kRoundingBits << 3)) | (bits << 3));
  return 0;
}
#endif
