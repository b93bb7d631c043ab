#pragma once
// Smalltalk numbers as the sim needs them: SmallInteger/LargeInteger (one exact integer type that
// grows past 64 bits), Fraction and Float, with Pharo's printString and exact arithmetic rules
// (integer / integer is exact, a Fraction when it does not divide; Float contaminates).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace sim {

// Raised for ZeroDivide and for operations the sim does not model on very large numbers.
struct NumberError : std::runtime_error {
  std::string smalltalk_class;  // ZeroDivide, DomainError, ...
  NumberError(std::string cls, const std::string& what) : std::runtime_error(what), smalltalk_class(std::move(cls)) {}
};

// An arbitrary-precision integer: sign + magnitude in base 1e9 (decimal printing is trivial).
class BigInt {
 public:
  BigInt() = default;
  explicit BigInt(int64_t v);
  static BigInt parse(const std::string& digits, int radix = 10);  // digits only, no sign

  bool negative() const { return neg_; }
  bool is_zero() const { return mag_.empty(); }
  bool fits_int64() const;
  int64_t to_int64() const;  // only when fits_int64()
  double to_double() const;
  std::string to_string() const;

  friend BigInt operator+(const BigInt& a, const BigInt& b);
  friend BigInt operator-(const BigInt& a, const BigInt& b);
  friend BigInt operator*(const BigInt& a, const BigInt& b);
  friend int compare(const BigInt& a, const BigInt& b);
  BigInt negated() const;
  // Truncating division by a small positive divisor; remainder in *rem.
  BigInt div_small(uint32_t divisor, uint32_t* rem) const;

 private:
  static int compare_mag(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);
  static std::vector<uint32_t> add_mag(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);
  static std::vector<uint32_t> sub_mag(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);
  void trim();
  bool neg_ = false;
  std::vector<uint32_t> mag_;  // little-endian limbs < 1e9
};

class Number {
 public:
  enum class Kind { Integer, Fraction, Float };

  Number() = default;
  static Number integer(int64_t v);
  static Number integer(const BigInt& v);
  static Number fraction(const BigInt& num, const BigInt& den);  // normalised; may become Integer
  static Number floating(double v);
  // A Smalltalk number literal: 42, -3, 16r1F, 2r1010, 1.5, 2.5e-3, 1e10, 1/2 is not a literal.
  static Number parse_literal(const std::string& text);

  Kind kind() const { return kind_; }
  bool is_integer() const { return kind_ == Kind::Integer; }
  bool is_float() const { return kind_ == Kind::Float; }
  const BigInt& int_value() const { return num_; }
  const BigInt& numerator() const { return num_; }
  const BigInt& denominator() const { return den_; }
  double to_double() const;
  bool fits_int64() const { return is_integer() && num_.fits_int64(); }
  int64_t to_int64() const { return num_.to_int64(); }
  bool is_zero() const;
  bool negative() const;

  std::string print_string() const;
  // The class name Pharo would answer: SmallInteger, LargePositiveInteger, Fraction, SmallFloat64...
  std::string class_name() const;

  friend Number operator+(const Number& a, const Number& b);
  friend Number operator-(const Number& a, const Number& b);
  friend Number operator*(const Number& a, const Number& b);
  friend Number operator/(const Number& a, const Number& b);  // exact; ZeroDivide
  friend int compare(const Number& a, const Number& b);       // -1 0 1; NaN compares unordered as 2
  Number floor_div(const Number& b) const;                     // //
  Number floor_mod(const Number& b) const;                     // \\ (sign of the divisor)
  Number quo(const Number& b) const;                           // truncated
  Number rem(const Number& b) const;
  Number negated() const;
  Number abs() const { return negative() ? negated() : *this; }
  Number floor() const;
  Number ceiling() const;
  Number truncated() const;
  Number rounded() const;
  Number factorial() const;
  Number raised_to(const Number& exponent) const;
  Number gcd(const Number& b) const;

 private:
  Kind kind_ = Kind::Integer;
  BigInt num_;
  BigInt den_{1};
  double flt_ = 0.0;
};

std::string print_float(double v);  // Pharo's shortest round-trip printString

}  // namespace sim
