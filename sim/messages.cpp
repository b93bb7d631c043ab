#include "messages.hpp"

#include <fmt/format.h>

namespace sim {

Value make_object(const std::string& cls, const std::string& print) {
  auto o = std::make_shared<SimObject>();
  o->cls = cls;
  o->print = print;
  return Value::object(o);
}

std::optional<size_t> element_index(const std::string& sel, const Args& a, size_t size) {
  if (sel == "first" || sel == "last") {
    if (size == 0) throw SmalltalkError("Error", "collection is empty");
    return sel == "first" ? 0 : size - 1;
  }
  if (sel != "at:") return std::nullopt;
  int64_t i = int_arg(a[0], sel);
  if (i < 1 || static_cast<size_t>(i) > size) throw SmalltalkError("SubscriptOutOfBounds", fmt::format("Index out of bounds: {}", i));
  return static_cast<size_t>(i) - 1;
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

Value cull(Evaluator& ev, const Value& block, const Value& arg) {
  bool takes_arg = block.kind == Value::Kind::Block && !block.block->params.empty();
  return ev.call_block(block, takes_arg ? std::vector<Value>{arg} : std::vector<Value>{});
}

}  // namespace sim
