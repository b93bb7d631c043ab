// Blocks: evaluation, loops, ensure:/ifCurtailed: and on:do: (which catches the exceptions
// that exception_messages.cpp and the arithmetic signal).
#include "messages.hpp"

namespace sim {
namespace {

bool handles(const std::string& handler, const std::string& signalled) {
  if (handler == "Error" || handler == "Exception") return true;
  return handler == signalled;
}

// The exception classes an on:do: names: a class or an ExceptionSet (Error, ZeroDivide).
std::vector<std::string> handled_classes(const Value& spec) {
  std::vector<std::string> handled;
  if (spec.kind == Value::Kind::Class) handled.push_back(spec.text);
  if (spec.kind == Value::Kind::Object && spec.obj->cls == "ExceptionSet")
    for (const auto& [k, v] : spec.obj->slots) handled.push_back(v.text);
  return handled;
}

Value on_do(Evaluator& ev, const Value& r, const Args& a) {
  std::vector<std::string> handled = handled_classes(a[0]);
  auto handle = [&](const std::string& cls, const std::string& text) -> Answer {
    for (const auto& h : handled)
      if (handles(h, cls)) {
        Value ex = make_object(cls);
        ex.obj->slots["messageText"] = Value::string(text);
        return cull(ev, a[1], ex);
      }
    return std::nullopt;
  };
  try {
    return ev.call_block(r, {});
  } catch (const SmalltalkError& err) {
    if (Answer v = handle(err.smalltalk_class, err.message_text.empty() ? err.smalltalk_class : err.message_text))
      return *v;
    throw;
  }
}

}  // namespace

Answer block_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  if (sel == "value" || sel == "value:" || sel == "value:value:" || sel == "value:value:value:") return ev.call_block(r, a);
  if (sel == "valueWithArguments:") return ev.call_block(r, *a[0].elems);
  if (sel == "numArgs") return Value::integer(static_cast<int64_t>(r.block->params.size()));
  if (sel == "whileTrue:" || sel == "whileFalse:") {
    bool want = sel == "whileTrue:";
    for (int guard = 0; ev.call_block(r, {}).is_true() == want; ++guard) {
      if (guard > 10000000) throw Unsupported("loop ran too long for pharo-sim");
      ev.call_block(a[0], {});
    }
    return Value::nil();
  }
  if (sel == "ensure:" || sel == "ifCurtailed:") {
    Value v;
    try {
      v = ev.call_block(r, {});
    } catch (...) {
      ev.call_block(a[0], {});
      throw;
    }
    if (sel == "ensure:") ev.call_block(a[0], {});
    return v;
  }
  if (sel == "on:do:") return on_do(ev, r, a);
  if (sel == "fork" || sel == "forkAt:" || sel == "forkAt:named:" || sel == "forkNamed:")
    throw Unsupported("processes are not simulated");
  return std::nullopt;
}

}  // namespace sim
