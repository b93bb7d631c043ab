// Exceptions: signalling from the class side (Error signal: 'x'), exception sets (Error,
// ZeroDivide) and the instances an on:do: handler receives.
#include "messages.hpp"

namespace sim {
namespace {

bool signallable_class(const std::string& c) {
  return c == "Error" || c == "Exception" || c == "ZeroDivide" || c == "Warning" || c == "NotFound" || c == "KeyNotFound";
}

bool exception_class(const std::string& c) {
  return signallable_class(c) || c == "MessageNotUnderstood" || c == "SubscriptOutOfBounds";
}

}  // namespace

Answer exception_class_messages(Evaluator&, const Value& r, const std::string& sel, Args& a) {
  const std::string& c = r.text;
  if (!signallable_class(c)) return std::nullopt;
  if (sel == "signal") throw SmalltalkError(c, "");
  if (sel == "signal:") throw SmalltalkError(c, display_string(a[0]));
  if (sel == "new") return make_object(c);
  if (sel == ",") {
    Value set = make_object("ExceptionSet");
    set.obj->slots["1"] = Value::klass(c);
    set.obj->slots["2"] = a[0];
    return set;
  }
  return std::nullopt;
}

Answer exception_messages(Evaluator&, const Value& r, const std::string& sel, Args& a) {
  SimObject& o = *r.obj;
  const std::string& c = o.cls;
  if (!exception_class(c)) return std::nullopt;
  bool has_text = o.slots.count("messageText") > 0;
  if (sel == "messageText") return has_text ? o.slots["messageText"] : Value::string(c);
  if (sel == "messageText:") {
    o.slots["messageText"] = a[0];
    return r;
  }
  if (sel == "signal") throw SmalltalkError(c, has_text ? display_string(o.slots["messageText"]) : "");
  if (sel == "signal:") throw SmalltalkError(c, display_string(a[0]));
  if (sel == "return:" || sel == "retryUsing:") throw ReturnSignal{a[0]};
  if (sel == "return") throw ReturnSignal{Value::nil()};
  if (sel == "description") return Value::string(c + (has_text ? ": " + display_string(o.slots["messageText"]) : ""));
  return std::nullopt;
}

}  // namespace sim
