#include "interpreter.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ctime>
#include <set>

#include "clock_text.hpp"

namespace sim {
namespace {

// Non-local return (^ inside a block or at the top of a doit).
struct ReturnSignal {
  Value value;
};

const std::set<std::string>& neoconsole_classes() {
  static const std::set<std::string> names = {"NeoConsole", "NeoConsoleTelnetServer", "NeoConsoleMetricDelegate",
                                              "NeoConsoleTranscript", "NeoConsoleMetric", "NeoConsoleEnvironment"};
  return names;
}

// Classes the base image has and the sim models.
const std::set<std::string>& base_classes() {
  static const std::set<std::string> names = {
      "Smalltalk", "Transcript", "OSEnvironment", "ZnServer", "ZnLogEvent", "Metacello", "EpMonitor", "Error",
      "Exception", "ZeroDivide", "Warning", "Object", "SystemVersion", "Date", "Time", "DateAndTime", "Character",
      "String", "Float", "Integer", "SmallInteger", "Number", "FileStream", "CodeImporter", "Array", "Symbol",
      "UndefinedObject", "Boolean", "MessageNotUnderstood", "NotFound", "KeyNotFound", "ZnResponse", "ZnEntity",
      "Stdio", "NetNameResolver", "NonInteractiveTranscript"};
  return names;
}

Value make_object(const std::string& cls, const std::string& print = "") {
  auto o = std::make_shared<SimObject>();
  o->cls = cls;
  o->print = print;
  return Value::object(o);
}

int64_t int_arg(const Value& v, const std::string& what) {
  if (v.kind == Value::Kind::Number && v.number.fits_int64()) return v.number.to_int64();
  if (v.kind == Value::Kind::String) {
    try {
      size_t used = 0;
      long long n = std::stoll(v.text, &used);
      if (used == v.text.size()) return n;
    } catch (const std::exception&) {
    }
  }
  throw SmalltalkError("Error", what + " expects an integer, got " + print_string(v));
}

int port_arg(const Value& v) {
  int64_t p = int_arg(v, "port");
  if (p < 0 || p > 65535) throw SmalltalkError("Error", fmt::format("port out of range: {}", p));
  return static_cast<int>(p);
}

std::string string_arg(const Value& v, const std::string& what) {
  if (v.is_stringish()) return v.text;
  throw SmalltalkError("Error", what + " expects a string, got " + print_string(v));
}

[[noreturn]] void dnu(const Value& r, const std::string& sel) {
  if (r.is_nil()) throw SmalltalkError("MessageNotUnderstood", "receiver of \"" + sel + "\" is nil");
  throw Unsupported(class_name_of(r) + ">>#" + sel + " is not simulated");
}

bool is_error_class(const std::string& handler, const std::string& signalled) {
  if (handler == "Error" || handler == "Exception") return true;
  return handler == signalled;
}

std::string smalltalk_format(const std::string& pattern, const Value& args) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      size_t close = pattern.find('}', i);
      if (close != std::string::npos && args.kind == Value::Kind::Array) {
        int idx = std::atoi(pattern.substr(i + 1, close - i - 1).c_str());
        if (idx >= 1 && static_cast<size_t>(idx) <= args.elems->size()) {
          out += display_string((*args.elems)[static_cast<size_t>(idx) - 1]);
          i = close;
          continue;
        }
      }
    }
    out += pattern[i];
  }
  return out;
}

}  // namespace

Interpreter::Interpreter(Host& host) : host_(host), workspace_(std::make_shared<Scope>()) {}

Value Interpreter::evaluate(const std::string& source) {
  NodePtr doit = parse_doit(source);
  auto scope = std::make_shared<Scope>();
  scope->parent = workspace_;
  for (const auto& t : doit->temps) scope->vars[t] = Value::nil();
  try {
    return eval_sequence(doit->args, scope);
  } catch (ReturnSignal& r) {
    return r.value;
  }
}

void Interpreter::run_script(const std::string& source, const std::string& file_name) {
  std::string text = source;
  if (text.rfind("#!", 0) == 0) {  // the st handler skips a shebang line
    size_t nl = text.find('\n');
    text = nl == std::string::npos ? "" : "\n" + text.substr(nl + 1);
  }
  for (const std::string& chunk : split_chunks(text)) {
    NodePtr doit = parse_doit(chunk);  // a syntax error refuses the whole chunk, as the compiler does
    auto scope = std::make_shared<Scope>();
    scope->parent = workspace_;
    for (const auto& t : doit->temps) scope->vars[t] = Value::nil();
    for (const NodePtr& stmt : doit->args) {
      try {
        eval(stmt, scope);
      } catch (ReturnSignal&) {
        break;
      } catch (const Unsupported& u) {
        std::string first = stmt->source.substr(0, stmt->source.find('\n'));
        if (first.size() > 80) first = first.substr(0, 77) + "...";
        host_.note(fmt::format("{}:{}: skipped, not simulated ({}): {}", file_name, stmt->line, u.what(), first));
      } catch (const NumberError& e) {
        throw SmalltalkError(e.smalltalk_class, e.what() == e.smalltalk_class ? "" : e.what());
      }
    }
  }
}

Value Interpreter::eval_sequence(const std::vector<NodePtr>& stmts, const std::shared_ptr<Scope>& scope) {
  Value last;
  for (const NodePtr& s : stmts) last = eval(s, scope);
  return last;
}

Value Interpreter::global(const std::string& name) {
  if (neoconsole_classes().count(name)) {
    // Absent until BaselineOfNeoConsole is loaded: the compiler makes it an undeclared nil.
    return host_.has_class(name) ? Value::klass(name) : Value::nil();
  }
  if (base_classes().count(name)) {
    if (name == "Transcript") return make_object("ThreadSafeTranscript", "a ThreadSafeTranscript");
    if (name == "Smalltalk") return make_object("SmalltalkImage", "Smalltalk");
    return Value::klass(name);
  }
  if (host_.has_class(name)) return Value::klass(name);
  throw Unsupported("unknown global " + name);
}

Value Interpreter::eval(const NodePtr& node, const std::shared_ptr<Scope>& scope) {
  switch (node->kind) {
    case Node::Kind::Literal: {
      std::function<Value(const Literal&)> conv = [&](const Literal& l) -> Value {
        switch (l.kind) {
          case Literal::Kind::Nil: return Value::nil();
          case Literal::Kind::True: return Value::boolean(true);
          case Literal::Kind::False: return Value::boolean(false);
          case Literal::Kind::Number: return Value::num(l.number);
          case Literal::Kind::String: return Value::string(l.text);
          case Literal::Kind::Symbol: return Value::symbol(l.text);
          case Literal::Kind::Character: return Value::character(l.text);
          case Literal::Kind::Array: {
            std::vector<Value> e;
            for (const auto& x : l.elements) e.push_back(conv(x));
            return Value::array(std::move(e));
          }
        }
        return Value::nil();
      };
      return conv(node->literal);
    }
    case Node::Kind::Variable: {
      if (Value* v = scope->find(node->name)) return *v;
      if (node->name == "self" || node->name == "super") return Value::nil();
      if (node->name == "thisContext") throw Unsupported("thisContext");
      if (std::isupper(static_cast<unsigned char>(node->name[0]))) return global(node->name);
      // An undeclared lowercase name: the compiler declares it as a nil doit variable.
      return Value::nil();
    }
    case Node::Kind::Assign: {
      Value v = eval(node->receiver, scope);
      if (Value* slot = scope->find(node->name))
        *slot = v;
      else
        workspace_->vars[node->name] = v;  // auto-declared doit variable
      return v;
    }
    case Node::Kind::Return: throw ReturnSignal{eval(node->receiver, scope)};
    case Node::Kind::CascadeReceiver: return cascade_receiver_;
    case Node::Kind::Cascade: {
      Value saved = cascade_receiver_;
      Value recv = eval(node->receiver, scope);
      Value last;
      for (const NodePtr& part : node->args) {
        cascade_receiver_ = recv;
        last = eval(part, scope);
      }
      cascade_receiver_ = saved;
      return last;
    }
    case Node::Kind::Block: {
      Value b;
      b.kind = Value::Kind::Block;
      b.block = node;
      b.scope = scope;
      return b;
    }
    case Node::Kind::BraceArray: {
      std::vector<Value> e;
      for (const NodePtr& s : node->args) e.push_back(eval(s, scope));
      return Value::array(std::move(e));
    }
    case Node::Kind::Sequence: return eval_sequence(node->args, scope);
    case Node::Kind::Send: {
      Value recv = eval(node->receiver, scope);
      std::vector<Value> args;
      for (const NodePtr& a : node->args) args.push_back(eval(a, scope));
      return send(recv, node->name, args, node, scope);
    }
  }
  return Value::nil();
}

Value Interpreter::call_block(const Value& block, std::vector<Value> args) {
  if (block.kind != Value::Kind::Block) {
    if (args.empty()) return block;  // non-blocks answer themselves to value
    throw Unsupported("value: sent to a non-block");
  }
  const NodePtr& b = block.block;
  if (args.size() != b->params.size())
    throw SmalltalkError("ArgumentsCountMismatch", fmt::format("This block accepts {} arguments, but was called with {}.", b->params.size(), args.size()));
  auto scope = std::make_shared<Scope>();
  scope->parent = block.scope;
  for (size_t i = 0; i < args.size(); ++i) scope->vars[b->params[i]] = args[i];
  for (const auto& t : b->temps) scope->vars[t] = Value::nil();
  return eval_sequence(b->args, scope);
}

Value Interpreter::send(const Value& r, const std::string& sel, std::vector<Value>& a, const NodePtr&,
                        const std::shared_ptr<Scope>&) {
  try {
    switch (r.kind) {
      case Value::Kind::Number: return send_number(r, sel, a);
      case Value::Kind::String:
      case Value::Kind::Symbol: return send_string(r, sel, a);
      case Value::Kind::Array: return send_array(r, sel, a);
      case Value::Kind::Block: return send_block(r, sel, a);
      case Value::Kind::Class: return send_class(r, sel, a);
      case Value::Kind::Object: return send_object(r, sel, a);
      default: break;
    }
    Value out;
    if (send_common(r, sel, a, out)) return out;
    if (r.is_bool()) {
      bool t = r.is_true();
      if (sel == "ifTrue:") return t ? call_block(a[0], {}) : Value::nil();
      if (sel == "ifFalse:") return t ? Value::nil() : call_block(a[0], {});
      if (sel == "ifTrue:ifFalse:") return call_block(t ? a[0] : a[1], {});
      if (sel == "ifFalse:ifTrue:") return call_block(t ? a[1] : a[0], {});
      if (sel == "not") return Value::boolean(!t);
      if (sel == "&") return Value::boolean(t && a[0].is_true());
      if (sel == "|") return Value::boolean(t || a[0].is_true());
      if (sel == "and:") return t ? call_block(a[0], {}) : Value::boolean(false);
      if (sel == "or:") return t ? Value::boolean(true) : call_block(a[0], {});
      if (sel == "xor:") return Value::boolean(t != a[0].is_true());
    }
    if (r.kind == Value::Kind::Nil) {
      if (sel == "ifNil:") return call_block(a[0], {});
      if (sel == "ifNotNil:") return Value::nil();
      if (sel == "ifNil:ifNotNil:") return call_block(a[0], {});
      if (sel == "ifNotNil:ifNil:") return call_block(a[1], {});
      if (sel == "error:") throw SmalltalkError("Error", display_string(a[0]));
      if (sel == "halt") throw SmalltalkError("Halt", "");
    }
    if (r.kind == Value::Kind::Character) {
      if (sel == "asString") return Value::string(r.text);
      if (sel == "asInteger" || sel == "value" || sel == "asciiValue")
        return Value::integer(static_cast<unsigned char>(r.text[0]));
      if (sel == "asUppercase") return Value::character(std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(r.text[0])))));
      if (sel == "isVowel") return Value::boolean(std::string("aeiouAEIOU").find(r.text[0]) != std::string::npos);
      if (sel == "isDigit") return Value::boolean(std::isdigit(static_cast<unsigned char>(r.text[0])) != 0);
      if (sel == "isLetter") return Value::boolean(std::isalpha(static_cast<unsigned char>(r.text[0])) != 0);
    }
    dnu(r, sel);
  } catch (const NumberError& e) {
    throw SmalltalkError(e.smalltalk_class, e.smalltalk_class == e.what() ? "" : e.what());
  }
}

bool Interpreter::send_common(const Value& r, const std::string& sel, std::vector<Value>& a, Value& out) {
  if (sel == "printString") { out = Value::string(print_string(r)); return true; }
  if (sel == "displayString") { out = Value::string(display_string(r)); return true; }
  if (sel == "asString" && r.kind != Value::Kind::Number) { out = Value::string(display_string(r)); return true; }
  if (sel == "yourself") { out = r; return true; }
  if (sel == "class") { out = Value::klass(class_name_of(r)); return true; }
  if (sel == "isNil") { out = Value::boolean(r.is_nil()); return true; }
  if (sel == "notNil") { out = Value::boolean(!r.is_nil()); return true; }
  if (sel == "isString") { out = Value::boolean(r.kind == Value::Kind::String || r.kind == Value::Kind::Symbol); return true; }
  if (sel == "isSymbol") { out = Value::boolean(r.kind == Value::Kind::Symbol); return true; }
  if (sel == "isNumber") { out = Value::boolean(r.kind == Value::Kind::Number); return true; }
  if (sel == "isInteger") { out = Value::boolean(r.kind == Value::Kind::Number && r.number.is_integer()); return true; }
  if (sel == "isFloat") { out = Value::boolean(r.kind == Value::Kind::Number && r.number.is_float()); return true; }
  if (sel == "isBlock") { out = Value::boolean(r.kind == Value::Kind::Block); return true; }
  if (sel == "=" ) { out = Value::boolean(values_equal(r, a[0])); return true; }
  if (sel == "~=") { out = Value::boolean(!values_equal(r, a[0])); return true; }
  if (sel == "==") { out = Value::boolean(values_equal(r, a[0])); return true; }
  if (sel == "~~") { out = Value::boolean(!values_equal(r, a[0])); return true; }
  if (sel == "->") { out = make_object("Association", print_string(r) + "->" + print_string(a[0])); return true; }
  if (sel == "value" && r.kind != Value::Kind::Block) { out = r; return true; }
  if (sel == "ifNil:" && !r.is_nil()) { out = r; return true; }
  if (sel == "ifNotNil:" && !r.is_nil()) { out = call_block(a[0], a[0].kind == Value::Kind::Block && !a[0].block->params.empty() ? std::vector<Value>{r} : std::vector<Value>{}); return true; }
  if (sel == "ifNil:ifNotNil:" && !r.is_nil()) { out = call_block(a[1], a[1].kind == Value::Kind::Block && !a[1].block->params.empty() ? std::vector<Value>{r} : std::vector<Value>{}); return true; }
  if (sel == "ifNotNil:ifNil:" && !r.is_nil()) { out = call_block(a[0], a[0].kind == Value::Kind::Block && !a[0].block->params.empty() ? std::vector<Value>{r} : std::vector<Value>{}); return true; }
  if (sel == "printNl" || sel == "traceCr" || sel == "crTrace" || sel == "trace") {
    host_.transcript_show(display_string(r) + (sel == "trace" ? "" : "\n"));
    out = r;
    return true;
  }
  if (sel == "inspect" || sel == "explore") { out = r; return true; }
  return false;
}

Value Interpreter::send_number(const Value& r, const std::string& sel, std::vector<Value>& a) {
  const Number& n = r.number;
  auto num = [&](size_t i) -> const Number& {
    if (a[i].kind != Value::Kind::Number) throw SmalltalkError("Error", print_string(a[i]) + " is not a number");
    return a[i].number;
  };
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
  if (sel == "factorial") return Value::num(n.factorial());
  if (sel == "negated") return Value::num(n.negated());
  if (sel == "abs") return Value::num(n.abs());
  if (sel == "squared") return Value::num(n * n);
  if (sel == "floor") return Value::num(n.floor());
  if (sel == "ceiling") return Value::num(n.ceiling());
  if (sel == "rounded") return Value::num(n.rounded());
  if (sel == "truncated" || sel == "asInteger") return Value::num(n.truncated());
  if (sel == "asFloat") return Value::num(Number::floating(n.to_double()));
  if (sel == "asNumber") return r;
  if (sel == "reciprocal") return Value::num(Number::integer(1) / n);
  if (sel == "numerator") return Value::num(n.kind() == Number::Kind::Fraction ? Number::integer(n.numerator()) : n);
  if (sel == "denominator") return Value::num(n.kind() == Number::Kind::Fraction ? Number::integer(n.denominator()) : Number::integer(1));
  if (sel == "sqrt") {
    if (n.negative()) return Value::num(Number::floating(std::nan("")));
    return Value::num(Number::floating(std::sqrt(n.to_double())));
  }
  if (sel == "ln") return Value::num(Number::floating(std::log(n.to_double())));
  if (sel == "log") return Value::num(Number::floating(std::log10(n.to_double())));
  if (sel == "log:") return Value::num(Number::floating(std::log(n.to_double()) / std::log(num(0).to_double())));
  if (sel == "exp") return Value::num(Number::floating(std::exp(n.to_double())));
  if (sel == "sin") return Value::num(Number::floating(std::sin(n.to_double())));
  if (sel == "cos") return Value::num(Number::floating(std::cos(n.to_double())));
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
  if (sel == "asString" || sel == "printString" || sel == "displayString") return Value::string(n.print_string());
  if (sel == "printString:" || sel == "printStringBase:" || sel == "radix:") {
    int64_t base = int_arg(a[0], sel);
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
    return Value::string((neg ? "-" : "") + digits);
  }
  if (sel == "printPaddedWith:to:") {
    std::string s = n.print_string();
    size_t width = static_cast<size_t>(int_arg(a[1], sel));
    while (s.size() < width) s = a[0].text + s;
    return Value::string(s);
  }
  if (sel == "roundTo:") return Value::num((n / num(0)).rounded() * num(0));
  if (sel == "truncateTo:") return Value::num(n.quo(num(0)) * num(0));
  if (sel == "@") return make_object("Point", n.print_string() + "@" + print_string(a[0]));
  if (sel == "timesRepeat:") {
    if (!n.fits_int64()) throw Unsupported("timesRepeat: of a large integer");
    for (int64_t i = 0; i < n.to_int64(); ++i) call_block(a[0], {});
    return r;
  }
  if (sel == "to:do:" || sel == "to:by:do:") {
    Number step = sel == "to:do:" ? Number::integer(1) : num(1);
    const Value& blk = sel == "to:do:" ? a[1] : a[2];
    if (step.is_zero()) throw SmalltalkError("Error", "step must not be zero");
    for (Number i = n; step.negative() ? compare(i, num(0)) >= 0 : compare(i, num(0)) <= 0; i = i + step)
      call_block(blk, {Value::num(i)});
    return r;
  }
  if (sel == "asCharacter") return Value::character(std::string(1, static_cast<char>(int_arg(r, sel))));
  if (sel == "bitAnd:" || sel == "bitOr:" || sel == "bitXor:" || sel == "bitShift:") {
    int64_t x = int_arg(r, sel), y = int_arg(a[0], sel);
    if (sel == "bitAnd:") return Value::integer(x & y);
    if (sel == "bitOr:") return Value::integer(x | y);
    if (sel == "bitXor:") return Value::integer(x ^ y);
    if (y >= 0 && y < 62 && x >= 0 && x < (int64_t{1} << (62 - y))) return Value::integer(x << y);
    if (y < 0) return Value::integer(x >> -y);
    return Value::num(n * Number::integer(2).raised_to(Number::integer(y)));
  }
  Value out;
  if (send_common(r, sel, a, out)) return out;
  throw Unsupported(class_name_of(r) + ">>#" + sel + " is not simulated");
}

Value Interpreter::send_string(const Value& r, const std::string& sel, std::vector<Value>& a) {
  const std::string& s = r.text;
  if (sel == ",") return Value::string(s + display_string(a[0]));
  if (sel == "size") return Value::integer(static_cast<int64_t>(s.size()));
  if (sel == "asString") return Value::string(s);
  if (sel == "asSymbol") return Value::symbol(s);
  if (sel == "asUppercase" || sel == "asLowercase") {
    std::string out = s;
    for (char& c : out) c = static_cast<char>(sel == "asUppercase" ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
    return r.kind == Value::Kind::Symbol ? Value::symbol(out) : Value::string(out);
  }
  if (sel == "asInteger" || sel == "asNumber") {
    // Pharo's asInteger picks the first run of digits; nil when there is none.
    size_t i = 0;
    while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == s.size()) return Value::nil();
    size_t j = i;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (sel == "asNumber") {
      try {
        return Value::num(Number::parse_literal(s.substr(s.find_first_not_of(" \t"))));
      } catch (const std::exception&) {
      }
    }
    bool neg = i > 0 && s[i - 1] == '-';
    return Value::num(Number::parse_literal((neg ? "-" : "") + s.substr(i, j - i)));
  }
  if (sel == "reversed" || sel == "reverse") return Value::string(std::string(s.rbegin(), s.rend()));
  if (sel == "isEmpty") return Value::boolean(s.empty());
  if (sel == "notEmpty" || sel == "isNotEmpty") return Value::boolean(!s.empty());
  if (sel == "isEmptyOrNil") return Value::boolean(s.empty());
  if (sel == "includesSubstring:") return Value::boolean(s.find(string_arg(a[0], sel)) != std::string::npos);
  if (sel == "beginsWith:") return Value::boolean(s.rfind(string_arg(a[0], sel), 0) == 0);
  if (sel == "endsWith:") {
    std::string t = string_arg(a[0], sel);
    return Value::boolean(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
  }
  if (sel == "trimBoth" || sel == "trimmed") {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return Value::string("");
    size_t e = s.find_last_not_of(" \t\r\n");
    return Value::string(s.substr(b, e - b + 1));
  }
  if (sel == "format:") return Value::string(smalltalk_format(s, a[0]));
  if (sel == "copyReplaceAll:with:") {
    std::string from = string_arg(a[0], sel), to = string_arg(a[1], sel), out = s;
    if (from.empty()) return Value::string(out);
    for (size_t p = out.find(from); p != std::string::npos; p = out.find(from, p + to.size())) out.replace(p, from.size(), to);
    return Value::string(out);
  }
  if (sel == "first" || sel == "last") {
    if (s.empty()) throw SmalltalkError("Error", "collection is empty");
    return Value::character(std::string(1, sel == "first" ? s.front() : s.back()));
  }
  if (sel == "at:") {
    int64_t i = int_arg(a[0], sel);
    if (i < 1 || static_cast<size_t>(i) > s.size()) throw SmalltalkError("SubscriptOutOfBounds", fmt::format("Index out of bounds: {}", i));
    return Value::character(std::string(1, s[static_cast<size_t>(i) - 1]));
  }
  if (sel == "<" || sel == ">" || sel == "<=" || sel == ">=") {
    std::string t = string_arg(a[0], sel);
    return Value::boolean(sel == "<" ? s < t : sel == ">" ? s > t : sel == "<=" ? s <= t : s >= t);
  }
  if (sel == "asFileReference") return make_object("FileReference", "File @ " + s);
  if (sel == "lines") {
    std::vector<Value> out;
    size_t start = 0;
    while (start <= s.size()) {
      size_t nl = s.find_first_of("\r\n", start);
      if (nl == std::string::npos) {
        if (start < s.size()) out.push_back(Value::string(s.substr(start)));
        break;
      }
      out.push_back(Value::string(s.substr(start, nl - start)));
      start = nl + ((s[nl] == '\r' && nl + 1 < s.size() && s[nl + 1] == '\n') ? 2 : 1);
    }
    return Value::array(std::move(out));
  }
  if (sel == "value:" && r.kind == Value::Kind::Symbol) {
    std::vector<Value> none;
    return send(a[0], s, none, nullptr, nullptr);
  }
  Value out;
  if (send_common(r, sel, a, out)) return out;
  throw Unsupported(class_name_of(r) + ">>#" + sel + " is not simulated");
}

Value Interpreter::send_array(const Value& r, const std::string& sel, std::vector<Value>& a) {
  auto& e = *r.elems;
  if (sel == "size") return Value::integer(static_cast<int64_t>(e.size()));
  if (sel == "isEmpty") return Value::boolean(e.empty());
  if (sel == "notEmpty" || sel == "isNotEmpty") return Value::boolean(!e.empty());
  if (sel == "first" || sel == "last") {
    if (e.empty()) throw SmalltalkError("Error", "collection is empty");
    return sel == "first" ? e.front() : e.back();
  }
  if (sel == "at:") {
    int64_t i = int_arg(a[0], sel);
    if (i < 1 || static_cast<size_t>(i) > e.size()) throw SmalltalkError("SubscriptOutOfBounds", fmt::format("Index out of bounds: {}", i));
    return e[static_cast<size_t>(i) - 1];
  }
  if (sel == "do:") {
    for (const Value& x : e) call_block(a[0], {x});
    return r;
  }
  if (sel == "collect:") {
    std::vector<Value> out;
    for (const Value& x : e) out.push_back(call_block(a[0], {x}));
    return Value::array(std::move(out));
  }
  if (sel == "select:" || sel == "reject:") {
    std::vector<Value> out;
    for (const Value& x : e)
      if (call_block(a[0], {x}).is_true() == (sel == "select:")) out.push_back(x);
    return Value::array(std::move(out));
  }
  if (sel == "detect:ifNone:") {
    for (const Value& x : e)
      if (call_block(a[0], {x}).is_true()) return x;
    return call_block(a[1], {});
  }
  if (sel == "inject:into:") {
    Value acc = a[0];
    for (const Value& x : e) acc = call_block(a[1], {acc, x});
    return acc;
  }
  if (sel == "includes:") {
    for (const Value& x : e)
      if (values_equal(x, a[0])) return Value::boolean(true);
    return Value::boolean(false);
  }
  if (sel == "sum" || sel == "max" || sel == "min") {
    if (e.empty()) throw SmalltalkError("CollectionIsEmpty", "collection is empty");
    Value acc = e[0];
    for (size_t i = 1; i < e.size(); ++i) {
      std::vector<Value> arg{e[i]};
      acc = send(acc, sel == "sum" ? "+" : sel == "max" ? "max:" : "min:", arg, nullptr, nullptr);
    }
    return acc;
  }
  if (sel == ",") {
    if (a[0].kind != Value::Kind::Array) throw Unsupported("Array , non-array");
    std::vector<Value> out = e;
    out.insert(out.end(), a[0].elems->begin(), a[0].elems->end());
    return Value::array(std::move(out));
  }
  if (sel == "reversed") return Value::array(std::vector<Value>(e.rbegin(), e.rend()));
  if (sel == "asArray" || sel == "asOrderedCollection") return r;
  Value out;
  if (send_common(r, sel, a, out)) return out;
  throw Unsupported("Array>>#" + sel + " is not simulated");
}

Value Interpreter::send_block(const Value& r, const std::string& sel, std::vector<Value>& a) {
  if (sel == "value" || sel == "value:" || sel == "value:value:" || sel == "value:value:value:") return call_block(r, a);
  if (sel == "valueWithArguments:") return call_block(r, *a[0].elems);
  if (sel == "numArgs") return Value::integer(static_cast<int64_t>(r.block->params.size()));
  if (sel == "whileTrue:" || sel == "whileFalse:") {
    bool want = sel == "whileTrue:";
    for (int guard = 0; call_block(r, {}).is_true() == want; ++guard) {
      if (guard > 10000000) throw Unsupported("loop ran too long for pharo-sim");
      call_block(a[0], {});
    }
    return Value::nil();
  }
  if (sel == "ensure:" || sel == "ifCurtailed:") {
    Value v;
    try {
      v = call_block(r, {});
    } catch (...) {
      call_block(a[0], {});
      throw;
    }
    if (sel == "ensure:") call_block(a[0], {});
    return v;
  }
  if (sel == "on:do:") {
    std::vector<std::string> handled;
    if (a[0].kind == Value::Kind::Class) handled.push_back(a[0].text);
    if (a[0].kind == Value::Kind::Object && a[0].obj->cls == "ExceptionSet")
      for (const auto& [k, v] : a[0].obj->slots) handled.push_back(v.text);
    try {
      return call_block(r, {});
    } catch (const NumberError& err) {
      for (const auto& h : handled)
        if (is_error_class(h, err.smalltalk_class)) {
          Value ex = make_object(err.smalltalk_class);
          ex.obj->slots["messageText"] = Value::string(err.smalltalk_class);
          return call_block(a[1], a[1].kind == Value::Kind::Block && a[1].block->params.size() == 1 ? std::vector<Value>{ex} : std::vector<Value>{});
        }
      throw;
    } catch (const SmalltalkError& err) {
      for (const auto& h : handled)
        if (is_error_class(h, err.smalltalk_class)) {
          Value ex = make_object(err.smalltalk_class);
          ex.obj->slots["messageText"] = Value::string(err.message_text.empty() ? err.smalltalk_class : err.message_text);
          return call_block(a[1], a[1].kind == Value::Kind::Block && a[1].block->params.size() == 1 ? std::vector<Value>{ex} : std::vector<Value>{});
        }
      throw;
    }
  }
  if (sel == "fork" || sel == "forkAt:" || sel == "forkAt:named:" || sel == "forkNamed:") throw Unsupported("processes are not simulated");
  Value out;
  if (send_common(r, sel, a, out)) return out;
  throw Unsupported("BlockClosure>>#" + sel + " is not simulated");
}

Value Interpreter::send_class(const Value& r, const std::string& sel, std::vector<Value>& a) {
  const std::string& c = r.text;
  if (sel == "name") return Value::string(c);
  if (c == "NeoConsoleTranscript") {
    if (sel == "onFileNamed:") {
      Value t = make_object("NeoConsoleTranscript");
      t.obj->slots["file"] = Value::string(string_arg(a[0], sel));
      return t;
    }
    if (sel == "new") return make_object("NeoConsoleTranscript");
  }
  // Pharo's own transcript on the VM's stdout or stderr (what a container's log shows).
  if (c == "NonInteractiveTranscript" && (sel == "stdout" || sel == "stderr")) {
    Value t = make_object("NonInteractiveTranscript");
    t.obj->slots["stream"] = Value::string(sel);
    return t;
  }
  if (c == "NeoConsoleTelnetServer") {
    if (sel == "startOn:") return make_object("NeoConsoleTelnetServer", host_.telnet_start(port_arg(a[0])));
    if (sel == "new") {
      Value s = make_object("NeoConsoleTelnetServer");
      s.obj->slots["port"] = Value::integer(4999);
      return s;
    }
  }
  if (c == "NeoConsoleMetricDelegate" && sel == "startOn:")
    return make_object("ZnManagingMultiThreadedServer", host_.metrics_start(port_arg(a[0])));
  if (c == "NeoConsoleMetric" && sel == "addNamed:description:reader:") {
    Value block = a[2];
    std::string name = string_arg(a[0], sel);
    host_.add_metric(name, string_arg(a[1], sel), [this, block] { return display_string(call_block(block, {})); });
    return Value::nil();
  }
  if (c == "Stdio" && (sel == "stdout" || sel == "stderr")) {
    Value s = make_object("StdioStream", "a StdioStream");
    s.obj->slots["fd"] = Value::string(sel == "stdout" ? "1" : "2");
    return s;
  }
  if (c == "NetNameResolver") {
    // Addresses as Zinc and NeoConsole take them: 4-byte ByteArrays (#[127 0 0 1]).
    auto address = [](const std::string& dotted) {
      std::string print = "#[" + dotted + "]";
      for (char& ch : print) if (ch == '.') ch = ' ';
      Value v = make_object("ByteArray", print);
      v.obj->slots["address"] = Value::string(dotted);
      return v;
    };
    if (sel == "loopBackAddress" || sel == "localHostAddress") return address("127.0.0.1");
    if (sel == "addressForName:" || sel == "addressFromString:") {
      std::string name = string_arg(a[0], sel);
      if (name == "localhost") name = "127.0.0.1";
      int parts[4];
      char tail;
      if (std::sscanf(name.c_str(), "%d.%d.%d.%d%c", &parts[0], &parts[1], &parts[2], &parts[3], &tail) != 4)
        throw Unsupported("name resolution of " + name);
      return address(name);
    }
  }
  if (c == "ZnServer") {
    if (sel == "defaultOn:" || sel == "on:" || sel == "startDefaultOn:" || sel == "startOn:") {
      Value s = make_object("ZnManagingMultiThreadedServer");
      int port = port_arg(a[0]);
      s.obj->slots["port"] = Value::integer(port);
      s.obj->print = fmt::format("a ZnManagingMultiThreadedServer(stopped {})", port);
      if (sel.rfind("start", 0) == 0) s.obj->print = host_.http_start(port, "", false, nullptr);
      return s;
    }
    if (sel == "stopDefault" || sel == "default") return Value::nil();
  }
  if (c == "ZnLogEvent" && (sel == "logToTranscript" || sel == "announcer")) return r;
  if (c == "ZnEntity" && (sel == "html:" || sel == "text:" || sel == "with:" || sel == "with:type:" || sel == "json:")) {
    Value e = make_object("ZnStringEntity");
    e.obj->slots["body"] = Value::string(display_string(a[0]));
    e.obj->slots["type"] = Value::string(sel == "html:" ? "text/html;charset=utf-8" : sel == "json:" ? "application/json"
                                         : sel == "with:type:" ? display_string(a[1]) : "text/plain;charset=utf-8");
    return e;
  }
  if (c == "ZnResponse" && (sel == "ok:" || sel == "notFound:" || sel == "serverError:")) {
    Value resp = make_object("ZnResponse");
    resp.obj->slots["status"] = Value::integer(sel == "ok:" ? 200 : sel == "notFound:" ? 404 : 500);
    if (sel == "ok:") {
      resp.obj->slots["entity"] = a[0];
    } else {
      Value e = make_object("ZnStringEntity");
      e.obj->slots["body"] = Value::string((sel == "notFound:" ? "Not Found " : "Internal Server Error ") + display_string(a[0]) + "\r\n");
      e.obj->slots["type"] = Value::string("text/plain;charset=utf-8");
      resp.obj->slots["entity"] = e;
    }
    return resp;
  }
  if (c == "Metacello" && sel == "new") return make_object("Metacello", "a Metacello");
  if (c == "EpMonitor") {
    if (sel == "current") return make_object("EpMonitor");
    if (sel == "disableDuring:") {
      host_.set_epicea(false);
      Value v = call_block(a[0], {});
      host_.set_epicea(true);
      return v;
    }
  }
  if (c == "OSEnvironment" && sel == "current") return make_object("UnixEnvironment", "an UnixEnvironment");
  if (c == "SystemVersion" && sel == "current") return make_object("SystemVersion", host_.image_version());
  if (c == "Date" && sel == "today") return make_object("Date", clock_text::date_text(std::time(nullptr)));
  if (c == "Time" && sel == "now") return make_object("Time", clock_text::time_text(std::time(nullptr)));
  if (c == "DateAndTime" && sel == "now") return make_object("DateAndTime", clock_text::iso_timestamp());
  if (c == "Character") {
    if (sel == "cr") return Value::character("\r");
    if (sel == "lf") return Value::character("\n");
    if (sel == "tab") return Value::character("\t");
    if (sel == "space") return Value::character(" ");
    if (sel == "value:") return Value::character(std::string(1, static_cast<char>(int_arg(a[0], sel))));
  }
  if (c == "String") {
    if (sel == "new") return Value::string("");
    if (sel == "cr") return Value::string("\r");
    if (sel == "lf") return Value::string("\n");
    if (sel == "crlf") return Value::string("\r\n");
    if (sel == "tab") return Value::string("\t");
    if (sel == "space") return Value::string(" ");
  }
  if (c == "Float") {
    if (sel == "pi") return Value::num(Number::floating(M_PI));
    if (sel == "e") return Value::num(Number::floating(M_E));
    if (sel == "infinity") return Value::num(Number::floating(HUGE_VAL));
    if (sel == "nan") return Value::num(Number::floating(std::nan("")));
  }
  if (c == "Error" || c == "Exception" || c == "ZeroDivide" || c == "Warning" || c == "NotFound" || c == "KeyNotFound") {
    if (sel == "signal") throw SmalltalkError(c, "");
    if (sel == "signal:") throw SmalltalkError(c, display_string(a[0]));
    if (sel == "new") return make_object(c);
    if (sel == ",") {
      Value set = make_object("ExceptionSet");
      set.obj->slots["1"] = Value::klass(c);
      set.obj->slots["2"] = a[0];
      return set;
    }
  }
  if ((c == "FileStream" && sel == "fileIn:") || (c == "CodeImporter" && sel == "evaluateFileNamed:")) {
    host_.file_in(string_arg(a[0], sel));
    return Value::nil();
  }
  if (sel == "new") return make_object(c);
  Value out;
  if (send_common(r, sel, a, out)) return out;
  throw Unsupported(c + " class>>#" + sel + " is not simulated");
}

Value Interpreter::send_object(const Value& r, const std::string& sel, std::vector<Value>& a) {
  SimObject& o = *r.obj;
  const std::string& c = o.cls;
  if (c == "SmalltalkImage") {
    if (sel == "version") return Value::string(host_.image_version());
    if (sel == "quit") { host_.quit(0); return Value::nil(); }
    if (sel == "exitSuccess") { host_.quit(0); return Value::nil(); }
    if (sel == "exitFailure") { host_.quit(1); return Value::nil(); }
    if (sel == "snapshot:andQuit:") {
      host_.snapshot(a[0].is_true(), a[1].is_true());
      return Value::boolean(false);
    }
    if (sel == "saveSession" || sel == "snapshot") { host_.snapshot(true, false); return r; }
    if (sel == "hasClassNamed:" || sel == "includesKey:") {
      std::string n = string_arg(a[0], sel);
      return Value::boolean(base_classes().count(n) || host_.has_class(n));
    }
    if (sel == "at:" || sel == "at:ifAbsent:" || sel == "classNamed:") {
      std::string n = string_arg(a[0], sel);
      if (Value* v = workspace_->find("Smalltalk:" + n)) return *v;
      if (base_classes().count(n) || host_.has_class(n)) return global(n);
      if (sel == "at:ifAbsent:") return call_block(a[1], {});
      if (sel == "classNamed:") return Value::nil();
      throw SmalltalkError("KeyNotFound", "key #" + n + " not found in SystemDictionary");
    }
    if (sel == "at:put:") {
      workspace_->vars["Smalltalk:" + string_arg(a[0], sel)] = a[1];
      return a[1];
    }
    if (sel == "garbageCollect") { host_.garbage_collect(); return Value::integer(0); }
    if (sel == "logFileName:") { host_.set_debug_log_name(string_arg(a[0], sel)); return r; }
    if (sel == "os") return make_object("UnixPlatform", "an UnixPlatform");
    if (sel == "image") return r;
  }
  if (c == "UnixPlatform" && sel == "environment") return make_object("UnixEnvironment", "an UnixEnvironment");
  if (c == "StdioStream") {
    int fd = o.slots["fd"].text == "2" ? 2 : 1;
    if (sel == "nextPutAll:" || sel == "<<" || sel == "print:" || sel == "show:") {
      host_.stdio_write(fd, sel == "print:" ? print_string(a[0]) : display_string(a[0]));
      return r;
    }
    if (sel == "lf" || sel == "cr" || sel == "crlf") { host_.stdio_write(fd, "\n"); return r; }
    if (sel == "space") { host_.stdio_write(fd, " "); return r; }
    if (sel == "flush") return r;
  }
  if (c == "ThreadSafeTranscript") {
    if (sel == "show:" || sel == "nextPutAll:" || sel == "<<" || sel == "display:" || sel == "print:") {
      host_.transcript_show(sel == "print:" ? print_string(a[0]) : display_string(a[0]));
      return r;
    }
    if (sel == "crShow:") { host_.transcript_show("\n" + display_string(a[0])); return r; }
    if (sel == "showln:" || sel == "traceCr:") { host_.transcript_show(display_string(a[0]) + "\n"); return r; }
    if (sel == "cr" || sel == "lf" || sel == "crlf") { host_.transcript_show("\n"); return r; }
    if (sel == "tab") { host_.transcript_show("\t"); return r; }
    if (sel == "space") { host_.transcript_show(" "); return r; }
    if (sel == "flush" || sel == "endEntry" || sel == "clear") return r;
  }
  if (c == "NonInteractiveTranscript" && sel == "install") {
    host_.transcript_install("");  // no file: the VM's stdout
    return r;
  }
  if (c == "NeoConsoleTranscript") {
    if (sel == "install") {
      auto it = o.slots.find("file");
      host_.transcript_install(it == o.slots.end() ? "pharo-{1}.log" : it->second.text);
      return r;
    }
    if (sel == "fileName:" || sel == "onFileNamed:") { o.slots["file"] = Value::string(string_arg(a[0], sel)); return r; }
  }
  if (c == "NeoConsoleTelnetServer") {
    if (sel == "port:") { o.slots["port"] = a[0]; return r; }
    if (sel == "start") { o.print = host_.telnet_start(port_arg(o.slots["port"])); return r; }
    if (sel == "stop") return r;
  }
  if (c == "ZnManagingMultiThreadedServer") {
    int port = o.slots.count("port") ? port_arg(o.slots["port"]) : 8080;
    if (sel == "start") {
      AppResponder responder;
      if (o.slots.count("respond")) {
        Value block = o.slots["respond"];
        responder = [this, block](const std::string& method, const std::string& path) -> std::optional<AppResponse> {
          Value request = make_object("ZnRequest", fmt::format("a ZnRequest({} {})", method, path));
          request.obj->slots["method"] = Value::symbol(method);
          request.obj->slots["uri"] = Value::string(path);
          try {
            Value v = call_block(block, block.block->params.empty() ? std::vector<Value>{} : std::vector<Value>{request});
            if (v.kind != Value::Kind::Object || v.obj->cls != "ZnResponse") return std::nullopt;
            AppResponse out;
            out.status = static_cast<int>(int_arg(v.obj->slots["status"], "status"));
            const Value& entity = v.obj->slots["entity"];
            if (entity.kind == Value::Kind::Object) {
              out.content_type = display_string(entity.obj->slots["type"]);
              out.body = display_string(entity.obj->slots["body"]);
            }
            return out;
          } catch (const std::exception&) {
            return AppResponse{500, "text/plain;charset=utf-8", "Internal Server Error\r\n"};
          }
        };
      }
      // Zinc binds every interface unless bindingAddress: said otherwise (ZnServer>>bindingAddress).
      std::string bind = o.slots.count("bind") ? o.slots["bind"].text : "";
      o.print = host_.http_start(port, bind, o.slots.count("log") > 0, responder);
      return r;
    }
    if (sel == "onRequestRespond:" || sel == "delegate:") {
      if (sel == "onRequestRespond:" && a[0].kind == Value::Kind::Block) o.slots["respond"] = a[0];
      return r;
    }
    if (sel == "stop") {
      host_.http_stop(port);
      o.print = fmt::format("a ZnManagingMultiThreadedServer(stopped {})", port);
      return r;
    }
    if (sel == "logToTranscript") { o.slots["log"] = Value::boolean(true); return r; }
    if (sel == "bindingAddress:") {
      if (a[0].kind == Value::Kind::Nil) o.slots.erase("bind");
      else if (a[0].kind == Value::Kind::Object && a[0].obj->slots.count("address")) o.slots["bind"] = a[0].obj->slots["address"];
      else throw SmalltalkError("Error", "bindingAddress: expects a 4-byte ByteArray such as #[127 0 0 1]");
      return r;
    }
    if (sel == "port") return Value::integer(port);
    if (sel == "port:") { o.slots["port"] = a[0]; return r; }
    if (sel == "isRunning") return Value::boolean(o.print.find("running") != std::string::npos);
    // Configuration the sim has no use for (delegate:, logLevel:, onRequestRespond:, ...): accepted.
    if (sel.find(':') != std::string::npos || sel == "register" || sel == "unregister" || sel == "debugMode") return r;
  }
  if (c == "Metacello") {
    auto set = [&](const char* key) { o.slots[key] = Value::string(string_arg(a[0], sel)); return r; };
    if (sel == "repository:") return set("repository");
    if (sel == "baseline:") return set("baseline");
    if (sel == "configuration:") return set("configuration");
    if (sel == "githubUser:project:commitish:path:") {
      o.slots["repository"] = Value::string(fmt::format("github://{}/{}:{}/{}", display_string(a[0]), display_string(a[1]), display_string(a[2]), display_string(a[3])));
      return r;
    }
    if (sel == "load" || sel == "load:") {
      MetacelloLoad load;
      load.repository = o.slots.count("repository") ? o.slots["repository"].text : "";
      load.baseline = o.slots.count("baseline") ? o.slots["baseline"].text : "";
      load.configuration = o.slots.count("configuration") ? o.slots["configuration"].text : "";
      if (sel == "load:") {
        if (a[0].kind == Value::Kind::Array)
          for (const Value& g : *a[0].elems) load.groups.push_back(display_string(g));
        else
          load.groups.push_back(display_string(a[0]));
      }
      host_.metacello_load(load);
      return r;
    }
    // version:, onConflict..., onUpgrade..., ignoreImage, onWarningLog, silently...: accepted.
    return r;
  }
  if (c == "EpMonitor") {
    if (sel == "disable") { host_.set_epicea(false); return r; }
    if (sel == "enable") { host_.set_epicea(true); return r; }
  }
  if (c == "UnixEnvironment") {
    if (sel == "at:" || sel == "at:ifAbsent:" || sel == "getEnv:" || sel == "at:ifPresent:" || sel == "at:ifPresent:ifAbsent:" || sel == "includesKey:") {
      auto v = host_.environment(string_arg(a[0], sel));
      if (sel == "includesKey:") return Value::boolean(v.has_value());
      if (v) {
        if (sel == "at:ifPresent:" || sel == "at:ifPresent:ifAbsent:")
          return call_block(a[1], a[1].kind == Value::Kind::Block && a[1].block->params.size() == 1 ? std::vector<Value>{Value::string(*v)} : std::vector<Value>{});
        return Value::string(*v);
      }
      if (sel == "getEnv:" || sel == "at:ifPresent:") return Value::nil();
      if (sel == "at:ifAbsent:") return call_block(a[1], {});
      if (sel == "at:ifPresent:ifAbsent:") return call_block(a[2], {});
      throw SmalltalkError("KeyNotFound", "key '" + a[0].text + "' not found in UnixEnvironment");
    }
  }
  if (c == "ZnRequest") {
    if (sel == "uri" || sel == "url") return o.slots["uri"];
    if (sel == "method") return o.slots["method"];
  }
  if (c == "FileReference" && sel == "fileIn") {
    host_.file_in(o.print.substr(7));  // "File @ path"
    return r;
  }
  if (c == "SystemVersion") {
    if (sel == "asString" || sel == "printString") return Value::string(o.print);
  }
  if ((c == "Error" || c == "Exception" || c == "ZeroDivide" || c == "Warning" || c == "MessageNotUnderstood" ||
       c == "KeyNotFound" || c == "NotFound" || c == "SubscriptOutOfBounds")) {
    if (sel == "messageText") return o.slots.count("messageText") ? o.slots["messageText"] : Value::string(c);
    if (sel == "messageText:") { o.slots["messageText"] = a[0]; return r; }
    if (sel == "signal") throw SmalltalkError(c, o.slots.count("messageText") ? display_string(o.slots["messageText"]) : "");
    if (sel == "signal:") throw SmalltalkError(c, display_string(a[0]));
    if (sel == "return:" || sel == "retryUsing:") throw ReturnSignal{a[0]};
    if (sel == "return") throw ReturnSignal{Value::nil()};
    if (sel == "description") return Value::string(c + (o.slots.count("messageText") ? ": " + display_string(o.slots["messageText"]) : ""));
  }
  Value out;
  if (send_common(r, sel, a, out)) return out;
  throw Unsupported(c + ">>#" + sel + " is not simulated");
}

}  // namespace sim
