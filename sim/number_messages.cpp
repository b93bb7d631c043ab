// Numbers: integers of any size, fractions and floats (number.hpp does the arithmetic).
#include <cmath>

#include "messages.hpp"

namespace sim {
namespace {

const Number& number_arg(const Args& a, size_t i) {
  if (a[i].kind != Value::Kind::Number) throw SmalltalkError("Error", print_string(a[i]) + " is not a number");
  return a[i].number;
}

Answer arithmetic(const Value& r, const std::string& sel, const Args& a) {
  const Number& n = r.number;
  auto num = [&](size_t i) -> const Number& { return number_arg(a, i); };
  if (sel == "+") return Value::num(n + num(0));
  if (sel == "-") return Value::num(n - num(0));
  if (sel == "*") return Value::num(n * num(0));
  if (sel == "/") return Value::num(n / num(0));
  if (sel == "//") return Value::num(n.floor_div(num(0)));
  if (sel == "\\\\") return Value::num(n.floor_mod(num(0)));
  if (sel == "rem:") return Value::num(n.rem(num(0)));
  if (sel == "quo:") return Value::num(n.quo(num(0)));
  if (sel == "<" || sel == ">" || sel == "<=" || sel == ">=") {
    int c = compare(n, num(0));
    if (c == 2) return Value::boolean(false);
    return Value::boolean(sel == "<" ? c < 0 : sel == ">" ? c > 0 : sel == "<=" ? c <= 0 : c >= 0);
  }
  if (sel == "=" || sel == "~=") {
    bool eq = a[0].kind == Value::Kind::Number && compare(n, a[0].number) == 0;
    return Value::boolean(sel == "=" ? eq : !eq);
  }
  if (sel == "max:") return compare(n, num(0)) >= 0 ? r : a[0];
  if (sel == "min:") return compare(n, num(0)) <= 0 ? r : a[0];
  if (sel == "between:and:") return Value::boolean(compare(n, num(0)) >= 0 && compare(n, num(1)) <= 0);
  if (sel == "raisedTo:" || sel == "**") return Value::num(n.raised_to(num(0)));
  if (sel == "gcd:") return Value::num(n.gcd(num(0)));
  if (sel == "lcm:") return Value::num((n * num(0)).abs() / n.gcd(num(0)));
  if (sel == "roundTo:") return Value::num((n / num(0)).rounded() * num(0));
  if (sel == "truncateTo:") return Value::num(n.quo(num(0)) * num(0));
  return std::nullopt;
}

Answer functions(const Value& r, const std::string& sel, const Args& a) {
  const Number& n = r.number;
  auto floating = [](double d) { return Value::num(Number::floating(d)); };
  if (sel == "factorial") return Value::num(n.factorial());
  if (sel == "negated") return Value::num(n.negated());
  if (sel == "abs") return Value::num(n.abs());
  if (sel == "squared") return Value::num(n * n);
  if (sel == "floor") return Value::num(n.floor());
  if (sel == "ceiling") return Value::num(n.ceiling());
  if (sel == "rounded") return Value::num(n.rounded());
  if (sel == "truncated" || sel == "asInteger") return Value::num(n.truncated());
  if (sel == "asFloat") return floating(n.to_double());
  if (sel == "asNumber") return r;
  if (sel == "reciprocal") return Value::num(Number::integer(1) / n);
  if (sel == "numerator") return Value::num(n.kind() == Number::Kind::Fraction ? Number::integer(n.numerator()) : n);
  if (sel == "denominator")
    return Value::num(n.kind() == Number::Kind::Fraction ? Number::integer(n.denominator()) : Number::integer(1));
  if (sel == "sqrt") return floating(n.negative() ? std::nan("") : std::sqrt(n.to_double()));
  if (sel == "ln") return floating(std::log(n.to_double()));
  if (sel == "log") return floating(std::log10(n.to_double()));
  if (sel == "log:") return floating(std::log(n.to_double()) / std::log(number_arg(a, 0).to_double()));
  if (sel == "exp") return floating(std::exp(n.to_double()));
  if (sel == "sin") return floating(std::sin(n.to_double()));
  if (sel == "cos") return floating(std::cos(n.to_double()));
  return std::nullopt;
}

Answer testing(const Number& n, const std::string& sel) {
  if (sel == "isZero") return Value::boolean(n.is_zero());
  if (sel == "negative") return Value::boolean(n.negative());
  if (sel == "positive") return Value::boolean(!n.negative());
  if (sel == "strictlyPositive") return Value::boolean(!n.negative() && !n.is_zero());
  if (sel == "sign") return Value::integer(n.is_zero() ? 0 : n.negative() ? -1 : 1);
  if (sel == "even" || sel == "odd") {
    if (!n.is_integer()) throw Unsupported("even/odd of a non-integer");
    bool even = n.floor_mod(Number::integer(2)).is_zero();
    return Value::boolean(sel == "even" ? even : !even);
  }
  if (sel == "isPrime") {
    if (!n.fits_int64()) throw Unsupported("isPrime of a large integer");
    int64_t v = n.to_int64();
    if (v < 2) return Value::boolean(false);
    for (int64_t d = 2; d * d <= v; ++d)
      if (v % d == 0) return Value::boolean(false);
    return Value::boolean(true);
  }
  if (sel == "isFraction") return Value::boolean(n.kind() == Number::Kind::Fraction);
  return std::nullopt;
}

std::string in_base(const Number& n, int64_t base) {
  if (!n.fits_int64() || base < 2 || base > 36) throw Unsupported("printString: of this number");
  int64_t v = n.to_int64();
  bool neg = v < 0;
  uint64_t u = neg ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  std::string digits;
  do {
    uint64_t d = u % static_cast<uint64_t>(base);
    digits.insert(digits.begin(), static_cast<char>(d < 10 ? '0' + d : 'A' + d - 10));
    u /= static_cast<uint64_t>(base);
  } while (u);
  return (neg ? "-" : "") + digits;
}

Answer printing(const Value& r, const std::string& sel, const Args& a) {
  const Number& n = r.number;
  if (sel == "asString" || sel == "printString" || sel == "displayString") return Value::string(n.print_string());
  if (sel == "printString:" || sel == "printStringBase:" || sel == "radix:")
    return Value::string(in_base(n, int_arg(a[0], sel)));
  if (sel == "printPaddedWith:to:") {
    std::string s = n.print_string();
    size_t width = static_cast<size_t>(int_arg(a[1], sel));
    while (s.size() < width) s = a[0].text + s;
    return Value::string(s);
  }
  if (sel == "@") return make_object("Point", n.print_string() + "@" + print_string(a[0]));
  return std::nullopt;
}

Answer looping(Evaluator& ev, const Value& r, const std::string& sel, const Args& a) {
  const Number& n = r.number;
  if (sel == "timesRepeat:") {
    if (!n.fits_int64()) throw Unsupported("timesRepeat: of a large integer");
    for (int64_t i = 0; i < n.to_int64(); ++i) ev.call_block(a[0], {});
    return r;
  }
  if (sel == "to:do:" || sel == "to:by:do:") {
    Number step = sel == "to:do:" ? Number::integer(1) : number_arg(a, 1);
    const Value& blk = sel == "to:do:" ? a[1] : a[2];
    if (step.is_zero()) throw SmalltalkError("Error", "step must not be zero");
    const Number& stop = number_arg(a, 0);
    for (Number i = n; step.negative() ? compare(i, stop) >= 0 : compare(i, stop) <= 0; i = i + step)
      ev.call_block(blk, {Value::num(i)});
    return r;
  }
  return std::nullopt;
}

Answer bits(const Value& r, const std::string& sel, const Args& a) {
  if (sel == "asCharacter") return Value::character(std::string(1, static_cast<char>(int_arg(r, sel))));
  if (sel != "bitAnd:" && sel != "bitOr:" && sel != "bitXor:" && sel != "bitShift:") return std::nullopt;
  int64_t x = int_arg(r, sel), y = int_arg(a[0], sel);
  if (sel == "bitAnd:") return Value::integer(x & y);
  if (sel == "bitOr:") return Value::integer(x | y);
  if (sel == "bitXor:") return Value::integer(x ^ y);
  if (y >= 0 && y < 62 && x >= 0 && x < (int64_t{1} << (62 - y))) return Value::integer(x << y);
  if (y < 0) return Value::integer(x >> -y);
  return Value::num(r.number * Number::integer(2).raised_to(Number::integer(y)));
}

}  // namespace

Answer number_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  if (Answer v = arithmetic(r, sel, a)) return v;
  if (Answer v = functions(r, sel, a)) return v;
  if (Answer v = testing(r.number, sel)) return v;
  if (Answer v = printing(r, sel, a)) return v;
  if (Answer v = looping(ev, r, sel, a)) return v;
  return bits(r, sel, a);
}

Answer number_class_messages(Evaluator&, const Value& r, const std::string& sel, Args&) {
  if (r.text != "Float") return std::nullopt;
  if (sel == "pi") return Value::num(Number::floating(M_PI));
  if (sel == "e") return Value::num(Number::floating(M_E));
  if (sel == "infinity") return Value::num(Number::floating(HUGE_VAL));
  if (sel == "nan") return Value::num(Number::floating(std::nan("")));
  return std::nullopt;
}

}  // namespace sim
