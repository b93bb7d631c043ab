// Object's protocol, which every receiver understands (printString, =, isNil, ifNil:, ...), and
// the few messages of booleans and nil.
#include "messages.hpp"

namespace sim {

namespace {

Answer testing(const Value& r, const std::string& sel) {
  if (sel == "isNil") return Value::boolean(r.is_nil());
  if (sel == "notNil") return Value::boolean(!r.is_nil());
  if (sel == "isString") return Value::boolean(r.kind == Value::Kind::String || r.kind == Value::Kind::Symbol);
  if (sel == "isSymbol") return Value::boolean(r.kind == Value::Kind::Symbol);
  if (sel == "isNumber") return Value::boolean(r.kind == Value::Kind::Number);
  if (sel == "isInteger") return Value::boolean(r.kind == Value::Kind::Number && r.number.is_integer());
  if (sel == "isFloat") return Value::boolean(r.kind == Value::Kind::Number && r.number.is_float());
  if (sel == "isBlock") return Value::boolean(r.kind == Value::Kind::Block);
  return std::nullopt;
}

}  // namespace

Answer object_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  if (sel == "printString") return Value::string(print_string(r));
  if (sel == "displayString") return Value::string(display_string(r));
  if (sel == "asString" && r.kind != Value::Kind::Number) return Value::string(display_string(r));
  if (sel == "yourself") return r;
  if (sel == "class") return Value::klass(class_name_of(r));
  if (Answer t = testing(r, sel)) return t;
  if (sel == "=" || sel == "==") return Value::boolean(values_equal(r, a[0]));
  if (sel == "~=" || sel == "~~") return Value::boolean(!values_equal(r, a[0]));
  if (sel == "->") return make_object("Association", print_string(r) + "->" + print_string(a[0]));
  if (sel == "value" && r.kind != Value::Kind::Block) return r;
  if (!r.is_nil()) {
    if (sel == "ifNil:") return r;
    if (sel == "ifNotNil:" || sel == "ifNotNil:ifNil:") return cull(ev, a[0], r);
    if (sel == "ifNil:ifNotNil:") return cull(ev, a[1], r);
  }
  if (sel == "printNl" || sel == "traceCr" || sel == "crTrace" || sel == "trace") {
    ev.host().transcript_show(display_string(r) + (sel == "trace" ? "" : "\n"));
    return r;
  }
  if (sel == "inspect" || sel == "explore") return r;
  return std::nullopt;
}

Answer boolean_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  if (!r.is_bool()) return std::nullopt;
  bool t = r.is_true();
  if (sel == "ifTrue:") return t ? ev.call_block(a[0], {}) : Value::nil();
  if (sel == "ifFalse:") return t ? Value::nil() : ev.call_block(a[0], {});
  if (sel == "ifTrue:ifFalse:") return ev.call_block(t ? a[0] : a[1], {});
  if (sel == "ifFalse:ifTrue:") return ev.call_block(t ? a[1] : a[0], {});
  if (sel == "not") return Value::boolean(!t);
  if (sel == "&") return Value::boolean(t && a[0].is_true());
  if (sel == "|") return Value::boolean(t || a[0].is_true());
  if (sel == "and:") return t ? ev.call_block(a[0], {}) : Value::boolean(false);
  if (sel == "or:") return t ? Value::boolean(true) : ev.call_block(a[0], {});
  if (sel == "xor:") return Value::boolean(t != a[0].is_true());
  return std::nullopt;
}

Answer nil_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  if (!r.is_nil()) return std::nullopt;
  if (sel == "ifNil:" || sel == "ifNil:ifNotNil:") return ev.call_block(a[0], {});
  if (sel == "ifNotNil:") return Value::nil();
  if (sel == "ifNotNil:ifNil:") return ev.call_block(a[1], {});
  if (sel == "error:") throw SmalltalkError("Error", display_string(a[0]));
  if (sel == "halt") throw SmalltalkError("Halt", "");
  return std::nullopt;
}

}  // namespace sim
