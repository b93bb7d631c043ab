#include "value.hpp"

namespace sim {

Value::Value() = default;
Value::Value(const Value& other) = default;
Value::Value(Value&& other) noexcept = default;
Value& Value::operator=(const Value& other) = default;
Value& Value::operator=(Value&& other) noexcept = default;
Value::~Value() = default;

namespace {
// String, Symbol, Character and Class values differ only in their kind.
Value with_text(Value::Kind kind, std::string text) {
  Value v;
  v.kind = kind;
  v.text = std::move(text);
  return v;
}
}  // namespace

Value Value::nil() { return {}; }
Value Value::boolean(bool b) {
  Value v;
  v.kind = b ? Kind::True : Kind::False;
  return v;
}
Value Value::num(Number n) {
  Value v;
  v.kind = Kind::Number;
  v.number = std::move(n);
  return v;
}
Value Value::integer(int64_t n) { return num(Number::integer(n)); }
Value Value::string(std::string s) { return with_text(Kind::String, std::move(s)); }
Value Value::symbol(std::string s) { return with_text(Kind::Symbol, std::move(s)); }
Value Value::character(std::string s) { return with_text(Kind::Character, std::move(s)); }
Value Value::klass(std::string s) { return with_text(Kind::Class, std::move(s)); }
Value Value::array(std::vector<Value> e) {
  Value v;
  v.kind = Kind::Array;
  v.elems = std::make_shared<std::vector<Value>>(std::move(e));
  return v;
}
Value Value::object(std::shared_ptr<SimObject> o) {
  Value v;
  v.kind = Kind::Object;
  v.obj = std::move(o);
  return v;
}
namespace {
std::string article(const std::string& cls) {
  if (cls.empty()) return "a";
  char c = cls[0];
  return (c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U') ? "an" : "a";
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

bool plain_symbol(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':')) return false;
  return std::isalpha(static_cast<unsigned char>(s[0])) != 0;
}
}  // namespace

std::string class_name_of(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Nil: return "UndefinedObject";
    case Value::Kind::True: return "True";
    case Value::Kind::False: return "False";
    case Value::Kind::Number: return v.number.class_name();
    case Value::Kind::String: return "ByteString";
    case Value::Kind::Symbol: return "ByteSymbol";
    case Value::Kind::Character: return "Character";
    case Value::Kind::Array: return "Array";
    case Value::Kind::Block: return "FullBlockClosure";
    case Value::Kind::Class: return v.text + " class";
    case Value::Kind::Object: return v.obj->cls;
  }
  return "Object";
}

std::string print_string(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Nil: return "nil";
    case Value::Kind::True: return "true";
    case Value::Kind::False: return "false";
    case Value::Kind::Number: return v.number.print_string();
    case Value::Kind::String: return quote(v.text);
    case Value::Kind::Symbol: return "#" + (plain_symbol(v.text) ? v.text : quote(v.text));
    case Value::Kind::Character: {
      if (v.text == "\r") return "Character cr";
      if (v.text == "\n") return "Character lf";
      if (v.text == "\t") return "Character tab";
      if (v.text == " ") return "Character space";
      return "$" + v.text;
    }
    case Value::Kind::Array: {
      std::string out = "#(";
      for (size_t i = 0; i < v.elems->size(); ++i) out += (i ? " " : "") + print_string((*v.elems)[i]);
      return out + ")";
    }
    case Value::Kind::Block: return "a FullBlockClosure";
    case Value::Kind::Class: return v.text;
    case Value::Kind::Object:
      return v.obj->print.empty() ? article(v.obj->cls) + " " + v.obj->cls : v.obj->print;
  }
  return "";
}

std::string display_string(const Value& v) {
  if (v.kind == Value::Kind::String || v.kind == Value::Kind::Symbol || v.kind == Value::Kind::Character) return v.text;
  return print_string(v);
}

bool values_equal(const Value& a, const Value& b) {
  if (a.kind == Value::Kind::Number && b.kind == Value::Kind::Number) return compare(a.number, b.number) == 0;
  if (a.is_stringish() && b.is_stringish()) return a.text == b.text && (a.kind == b.kind || a.kind == Value::Kind::String || b.kind == Value::Kind::String);
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::Nil: case Value::Kind::True: case Value::Kind::False: return true;
    case Value::Kind::Character: case Value::Kind::Class: return a.text == b.text;
    case Value::Kind::Array: {
      if (a.elems->size() != b.elems->size()) return false;
      for (size_t i = 0; i < a.elems->size(); ++i)
        if (!values_equal((*a.elems)[i], (*b.elems)[i])) return false;
      return true;
    }
    case Value::Kind::Block: return a.block == b.block;
    case Value::Kind::Object: return a.obj == b.obj;
    default: return false;
  }
}

}  // namespace sim
