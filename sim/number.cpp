#include "number.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace sim {
namespace {
constexpr uint32_t kBase = 1000000000u;

std::vector<uint32_t> mul_small(const std::vector<uint32_t>& a, uint32_t m) {
  std::vector<uint32_t> out;
  uint64_t carry = 0;
  for (uint32_t limb : a) {
    uint64_t cur = uint64_t{limb} * m + carry;
    out.push_back(static_cast<uint32_t>(cur % kBase));
    carry = cur / kBase;
  }
  while (carry) {
    out.push_back(static_cast<uint32_t>(carry % kBase));
    carry /= kBase;
  }
  while (!out.empty() && out.back() == 0) out.pop_back();
  return out;
}
}  // namespace

BigInt::BigInt(int64_t v) {
  neg_ = v < 0;
  // Work in unsigned to survive INT64_MIN.
  uint64_t u = neg_ ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  while (u) {
    mag_.push_back(static_cast<uint32_t>(u % kBase));
    u /= kBase;
  }
}

BigInt BigInt::parse(const std::string& digits, int radix) {
  BigInt out;
  for (char c : digits) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : c >= 'a' && c <= 'z' ? c - 'a' + 10 : 99;
    if (d >= radix) throw NumberError("SyntaxErrorNotification", "invalid digit in number literal");
    out.mag_ = mul_small(out.mag_, static_cast<uint32_t>(radix));
    out = out + BigInt(d);
  }
  return out;
}

void BigInt::trim() {
  while (!mag_.empty() && mag_.back() == 0) mag_.pop_back();
  if (mag_.empty()) neg_ = false;
}

bool BigInt::fits_int64() const {
  static const BigInt kMax(std::numeric_limits<int64_t>::max());
  static const BigInt kMin(std::numeric_limits<int64_t>::min());
  return compare(*this, kMax) <= 0 && compare(*this, kMin) >= 0;
}

int64_t BigInt::to_int64() const {
  uint64_t u = 0;
  for (size_t i = mag_.size(); i-- > 0;) u = u * kBase + mag_[i];
  return neg_ ? static_cast<int64_t>(uint64_t{0} - u) : static_cast<int64_t>(u);
}

double BigInt::to_double() const {
  double d = 0;
  for (size_t i = mag_.size(); i-- > 0;) d = d * kBase + mag_[i];
  return neg_ ? -d : d;
}

std::string BigInt::to_string() const {
  if (mag_.empty()) return "0";
  std::string out = neg_ ? "-" : "";
  out += std::to_string(mag_.back());
  for (size_t i = mag_.size() - 1; i-- > 0;) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%09u", mag_[i]);
    out += buf;
  }
  return out;
}

int BigInt::compare_mag(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

std::vector<uint32_t> BigInt::add_mag(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> out;
  uint32_t carry = 0;
  for (size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
    uint32_t cur = carry + (i < a.size() ? a[i] : 0) + (i < b.size() ? b[i] : 0);
    carry = cur >= kBase;
    out.push_back(carry ? cur - kBase : cur);
  }
  return out;
}

std::vector<uint32_t> BigInt::sub_mag(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> out = a;  // requires |a| >= |b|
  int64_t borrow = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    int64_t cur = int64_t{out[i]} - borrow - (i < b.size() ? int64_t{b[i]} : 0);
    borrow = cur < 0;
    out[i] = static_cast<uint32_t>(cur < 0 ? cur + kBase : cur);
  }
  while (!out.empty() && out.back() == 0) out.pop_back();
  return out;
}

BigInt operator+(const BigInt& a, const BigInt& b) {
  BigInt out;
  if (a.neg_ == b.neg_) {
    out.mag_ = BigInt::add_mag(a.mag_, b.mag_);
    out.neg_ = a.neg_;
  } else if (BigInt::compare_mag(a.mag_, b.mag_) >= 0) {
    out.mag_ = BigInt::sub_mag(a.mag_, b.mag_);
    out.neg_ = a.neg_;
  } else {
    out.mag_ = BigInt::sub_mag(b.mag_, a.mag_);
    out.neg_ = b.neg_;
  }
  out.trim();
  return out;
}

BigInt operator-(const BigInt& a, const BigInt& b) { return a + b.negated(); }

BigInt operator*(const BigInt& a, const BigInt& b) {
  BigInt out;
  if (a.is_zero() || b.is_zero()) return out;
  std::vector<uint64_t> acc(a.mag_.size() + b.mag_.size() + 1, 0);
  for (size_t i = 0; i < a.mag_.size(); ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b.mag_.size() || carry; ++j) {
      uint64_t cur = acc[i + j] + carry + (j < b.mag_.size() ? uint64_t{a.mag_[i]} * b.mag_[j] : 0);
      acc[i + j] = cur % kBase;
      carry = cur / kBase;
    }
  }
  for (uint64_t limb : acc) out.mag_.push_back(static_cast<uint32_t>(limb));
  out.neg_ = a.neg_ != b.neg_;
  out.trim();
  return out;
}

int compare(const BigInt& a, const BigInt& b) {
  if (a.neg_ != b.neg_) return a.neg_ ? -1 : 1;
  int c = BigInt::compare_mag(a.mag_, b.mag_);
  return a.neg_ ? -c : c;
}

BigInt BigInt::negated() const {
  BigInt out = *this;
  if (!out.mag_.empty()) out.neg_ = !out.neg_;
  return out;
}

BigInt BigInt::div_small(uint32_t divisor, uint32_t* rem) const {
  BigInt out;
  out.mag_.resize(mag_.size());
  uint64_t r = 0;
  for (size_t i = mag_.size(); i-- > 0;) {
    uint64_t cur = r * kBase + mag_[i];
    out.mag_[i] = static_cast<uint32_t>(cur / divisor);
    r = cur % divisor;
  }
  out.neg_ = neg_;
  out.trim();
  if (rem) *rem = static_cast<uint32_t>(r);
  return out;
}

namespace {
// Truncated division of arbitrary integers: schoolbook, one base-1e9 digit at a time, each found
// by binary search. Slow for huge numbers, plenty for a REPL.
void divmod(const BigInt& a, const BigInt& b, BigInt& q, BigInt& r) {
  if (b.is_zero()) throw NumberError("ZeroDivide", "ZeroDivide");
  BigInt ua = a.negative() ? a.negated() : a;
  BigInt ub = b.negative() ? b.negated() : b;
  if (compare(ua, ub) < 0) {
    q = BigInt(0);
    r = a;
    return;
  }
  std::string digits = ua.to_string();
  BigInt quotient(0), rest(0);
  const BigInt ten(10);
  for (char c : digits) {
    rest = rest * ten + BigInt(c - '0');
    int d = 0;
    while (compare(rest, ub) >= 0) {
      rest = rest - ub;
      ++d;
    }
    quotient = quotient * ten + BigInt(d);
  }
  q = (a.negative() != b.negative()) ? quotient.negated() : quotient;
  r = a.negative() ? rest.negated() : rest;
}

BigInt big_gcd(BigInt a, BigInt b) {
  if (a.negative()) a = a.negated();
  if (b.negative()) b = b.negated();
  while (!b.is_zero()) {
    BigInt q, r;
    divmod(a, b, q, r);
    a = b;
    b = r;
  }
  return a;
}
}  // namespace

Number Number::integer(int64_t v) { return integer(BigInt(v)); }

Number Number::integer(const BigInt& v) {
  Number n;
  n.kind_ = Kind::Integer;
  n.num_ = v;
  n.den_ = BigInt(1);
  return n;
}

Number Number::fraction(const BigInt& num, const BigInt& den) {
  if (den.is_zero()) throw NumberError("ZeroDivide", "ZeroDivide");
  BigInt g = big_gcd(num, den);
  BigInt n, d, r;
  divmod(num, g, n, r);
  divmod(den, g, d, r);
  if (d.negative()) {
    n = n.negated();
    d = d.negated();
  }
  if (compare(d, BigInt(1)) == 0) return integer(n);
  Number out;
  out.kind_ = Kind::Fraction;
  out.num_ = n;
  out.den_ = d;
  return out;
}

Number Number::floating(double v) {
  Number n;
  n.kind_ = Kind::Float;
  n.flt_ = v;
  return n;
}

Number Number::parse_literal(const std::string& text) {
  std::string t = text;
  bool neg = !t.empty() && t[0] == '-';
  if (neg) t = t.substr(1);
  size_t r = t.find('r');
  if (r != std::string::npos) {
    int radix = std::atoi(t.substr(0, r).c_str());
    if (radix < 2 || radix > 36) throw NumberError("SyntaxErrorNotification", "invalid radix");
    BigInt v = BigInt::parse(t.substr(r + 1), radix);
    return integer(neg ? v.negated() : v);
  }
  bool is_float = t.find('.') != std::string::npos;
  size_t e = t.find('e');
  if (!is_float && e == std::string::npos) {
    BigInt v = BigInt::parse(t);
    return integer(neg ? v.negated() : v);
  }
  if (!is_float) {
    // 1e10 is an Integer in Smalltalk (unless the exponent is negative).
    BigInt mant = BigInt::parse(t.substr(0, e));
    int exp = std::atoi(t.substr(e + 1).c_str());
    if (exp >= 0) {
      for (int i = 0; i < exp; ++i) mant = mant * BigInt(10);
      return integer(neg ? mant.negated() : mant);
    }
    BigInt den(1);
    for (int i = 0; i < -exp; ++i) den = den * BigInt(10);
    return fraction(neg ? mant.negated() : mant, den);
  }
  double v = std::strtod(t.c_str(), nullptr);
  return floating(neg ? -v : v);
}

double Number::to_double() const {
  switch (kind_) {
    case Kind::Integer: return num_.to_double();
    case Kind::Fraction: return num_.to_double() / den_.to_double();
    case Kind::Float: return flt_;
  }
  return 0;
}

bool Number::is_zero() const { return kind_ == Kind::Float ? flt_ == 0.0 : num_.is_zero(); }
bool Number::negative() const { return kind_ == Kind::Float ? flt_ < 0 : num_.negative(); }

std::string print_float(double v) {
  if (std::isnan(v)) return "Float nan";
  if (std::isinf(v)) return v > 0 ? "Float infinity" : "Float negativeInfinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  // Shortest digits that read back to the same double.
  char buf[64];
  int prec = 1;
  for (; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string s = buf;
  bool neg = s[0] == '-';
  if (neg) s = s.substr(1);
  size_t epos = s.find('e');
  std::string mant = s.substr(0, epos);
  int exp = std::atoi(s.c_str() + epos + 1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits += c;
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out;
  if (exp >= 16 || exp < -4) {  // Pharo switches to e-notation for very large or small values
    out = digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "e" + std::to_string(exp);
  } else if (exp >= 0) {
    std::string ip = digits.substr(0, std::min(digits.size(), static_cast<size_t>(exp) + 1));
    while (ip.size() < static_cast<size_t>(exp) + 1) ip += '0';
    std::string fp = digits.size() > static_cast<size_t>(exp) + 1 ? digits.substr(static_cast<size_t>(exp) + 1) : "0";
    out = ip + "." + fp;
  } else {
    out = "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  }
  return neg ? "-" + out : out;
}

std::string Number::print_string() const {
  switch (kind_) {
    case Kind::Integer: return num_.to_string();
    case Kind::Fraction: return "(" + num_.to_string() + "/" + den_.to_string() + ")";
    case Kind::Float: return print_float(flt_);
  }
  return "";
}

std::string Number::class_name() const {
  switch (kind_) {
    case Kind::Integer: {
      // SmallInteger on a 64-bit Spur VM: 61-bit signed range.
      static const BigInt kMaxSmall(int64_t{1152921504606846975});
      static const BigInt kMinSmall(int64_t{-1152921504606846976});
      if (compare(num_, kMaxSmall) <= 0 && compare(num_, kMinSmall) >= 0) return "SmallInteger";
      return num_.negative() ? "LargeNegativeInteger" : "LargePositiveInteger";
    }
    case Kind::Fraction: return "Fraction";
    case Kind::Float: return "SmallFloat64";
  }
  return "";
}

namespace {
bool either_float(const Number& a, const Number& b) { return a.is_float() || b.is_float(); }
}  // namespace

Number operator+(const Number& a, const Number& b) {
  if (either_float(a, b)) return Number::floating(a.to_double() + b.to_double());
  if (a.is_integer() && b.is_integer()) return Number::integer(a.num_ + b.num_);
  return Number::fraction(a.num_ * b.den_ + b.num_ * a.den_, a.den_ * b.den_);
}

Number operator-(const Number& a, const Number& b) { return a + b.negated(); }

Number operator*(const Number& a, const Number& b) {
  if (either_float(a, b)) return Number::floating(a.to_double() * b.to_double());
  if (a.is_integer() && b.is_integer()) return Number::integer(a.num_ * b.num_);
  return Number::fraction(a.num_ * b.num_, a.den_ * b.den_);
}

Number operator/(const Number& a, const Number& b) {
  if (b.is_zero()) throw NumberError("ZeroDivide", "ZeroDivide");
  if (either_float(a, b)) return Number::floating(a.to_double() / b.to_double());
  return Number::fraction(a.num_ * b.den_, a.den_ * b.num_);
}

int compare(const Number& a, const Number& b) {
  if (either_float(a, b)) {
    double x = a.to_double(), y = b.to_double();
    if (std::isnan(x) || std::isnan(y)) return 2;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return compare(a.num_ * b.den_, b.num_ * a.den_);
}

Number Number::negated() const {
  Number n = *this;
  if (kind_ == Kind::Float)
    n.flt_ = -flt_;
  else
    n.num_ = num_.negated();
  return n;
}

Number Number::truncated() const {
  if (kind_ == Kind::Integer) return *this;
  if (kind_ == Kind::Float) {
    if (!std::isfinite(flt_)) throw NumberError("DomainError", "cannot truncate a non-finite Float");
    double t = std::trunc(flt_);
    if (std::fabs(t) < 9e18) return integer(static_cast<int64_t>(t));
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.0f", std::fabs(t));
    BigInt v = BigInt::parse(buf);
    return integer(t < 0 ? v.negated() : v);
  }
  BigInt q, r;
  divmod(num_, den_, q, r);
  return integer(q);
}

Number Number::floor() const {
  Number t = truncated();
  if (compare(t, *this) > 0) t = t - integer(1);
  return t;
}

Number Number::ceiling() const {
  Number t = truncated();
  if (compare(t, *this) < 0) t = t + integer(1);
  return t;
}

Number Number::rounded() const {
  Number half = fraction(BigInt(1), BigInt(2));
  return negative() ? (*this - half).ceiling() : (*this + half).floor();
}

Number Number::floor_div(const Number& b) const { return (*this / b).floor(); }
Number Number::floor_mod(const Number& b) const { return *this - floor_div(b) * b; }
Number Number::quo(const Number& b) const { return (*this / b).truncated(); }
Number Number::rem(const Number& b) const { return *this - quo(b) * b; }

Number Number::factorial() const {
  if (!is_integer() || negative()) throw NumberError("DomainError", "Not valid for negative integers");
  if (!fits_int64() || to_int64() > 5000) throw NumberError("DomainError", "factorial too large for pharo-sim");
  BigInt acc(1);
  for (int64_t i = 2; i <= to_int64(); ++i) acc = acc * BigInt(i);
  return integer(acc);
}

Number Number::raised_to(const Number& exponent) const {
  if (exponent.is_integer() && !is_float()) {
    if (!exponent.fits_int64() || exponent.to_int64() > 100000)
      throw NumberError("DomainError", "exponent too large for pharo-sim");
    int64_t e = exponent.to_int64();
    Number base = *this;
    if (e < 0) {
      base = integer(1) / base;
      e = -e;
    }
    Number acc = integer(1);
    while (e) {
      if (e & 1) acc = acc * base;
      base = base * base;
      e >>= 1;
    }
    return acc;
  }
  return floating(std::pow(to_double(), exponent.to_double()));
}

Number Number::gcd(const Number& b) const {
  if (!is_integer() || !b.is_integer()) throw NumberError("DomainError", "gcd: of non-integers");
  return integer(big_gcd(num_, b.num_));
}

}  // namespace sim
