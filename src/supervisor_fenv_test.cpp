// supervisor_fenv.cpp's fegetround/fesetround (linked into unit_tests as into the supervisor):
// each mode set is the one read back and the one both the SSE and the x87 units round with.
#include <cfenv>

#include <gtest/gtest.h>

#if defined(__x86_64__)
namespace {

double third(double one) {
  volatile double a = one, b = 3.0;
  return a / b;
}

long double third_x87(long double one) {
  volatile long double a = one, b = 3.0L;
  return a / b;
}

TEST(SupervisorFenv, EachModeReadsBackAndRoundsBothUnits) {
  ASSERT_EQ(fesetround(FE_DOWNWARD), 0);
  EXPECT_EQ(fegetround(), FE_DOWNWARD);
  double down = third(1.0), down_neg = third(-1.0);
  long double down_x87 = third_x87(1.0L);
  ASSERT_EQ(fesetround(FE_UPWARD), 0);
  EXPECT_EQ(fegetround(), FE_UPWARD);
  double up = third(1.0);
  long double up_x87 = third_x87(1.0L);
  ASSERT_EQ(fesetround(FE_TOWARDZERO), 0);
  EXPECT_EQ(fegetround(), FE_TOWARDZERO);
  EXPECT_EQ(third(1.0), down);
  EXPECT_EQ(third(-1.0), -down);
  ASSERT_EQ(fesetround(FE_TONEAREST), 0);
  EXPECT_EQ(fegetround(), FE_TONEAREST);
  EXPECT_LT(down, up);
  EXPECT_LT(down_x87, up_x87);
  EXPECT_LT(down_neg, -down);  // downward rounds a negative quotient away from zero
  EXPECT_EQ(third(1.0), 1.0 / 3.0);
}

TEST(SupervisorFenv, AnUnknownModeIsRefusedAndChangesNothing) {
  ASSERT_EQ(fesetround(FE_TONEAREST), 0);
  EXPECT_NE(fesetround(0x1234), 0);
  EXPECT_EQ(fegetround(), FE_TONEAREST);
}

}  // namespace
#endif
