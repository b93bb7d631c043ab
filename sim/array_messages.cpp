// Arrays (literal and brace arrays; asOrderedCollection answers the same array).
#include "messages.hpp"

namespace sim {
namespace {

Answer accessing(const Value& r, const std::string& sel, const Args& a) {
  const auto& e = *r.elems;
  if (sel == "size") return Value::integer(static_cast<int64_t>(e.size()));
  if (sel == "isEmpty") return Value::boolean(e.empty());
  if (sel == "notEmpty" || sel == "isNotEmpty") return Value::boolean(!e.empty());
  if (auto i = element_index(sel, a, e.size())) return e[*i];
  if (sel == "includes:") {
    for (const Value& x : e)
      if (values_equal(x, a[0])) return Value::boolean(true);
    return Value::boolean(false);
  }
  if (sel == ",") {
    if (a[0].kind != Value::Kind::Array) throw Unsupported("Array , non-array");
    std::vector<Value> out = e;
    out.insert(out.end(), a[0].elems->begin(), a[0].elems->end());
    return Value::array(std::move(out));
  }
  if (sel == "reversed") return Value::array(std::vector<Value>(e.rbegin(), e.rend()));
  if (sel == "asArray" || sel == "asOrderedCollection") return r;
  return std::nullopt;
}

Answer enumerating(Evaluator& ev, const Value& r, const std::string& sel, const Args& a) {
  const auto& e = *r.elems;
  if (sel == "do:") {
    for (const Value& x : e) ev.call_block(a[0], {x});
    return r;
  }
  if (sel == "collect:") {
    std::vector<Value> out;
    for (const Value& x : e) out.push_back(ev.call_block(a[0], {x}));
    return Value::array(std::move(out));
  }
  if (sel == "select:" || sel == "reject:") {
    std::vector<Value> out;
    for (const Value& x : e)
      if (ev.call_block(a[0], {x}).is_true() == (sel == "select:")) out.push_back(x);
    return Value::array(std::move(out));
  }
  if (sel == "detect:ifNone:") {
    for (const Value& x : e)
      if (ev.call_block(a[0], {x}).is_true()) return x;
    return ev.call_block(a[1], {});
  }
  if (sel == "inject:into:") {
    Value acc = a[0];
    for (const Value& x : e) acc = ev.call_block(a[1], {acc, x});
    return acc;
  }
  if (sel == "sum" || sel == "max" || sel == "min") {
    if (e.empty()) throw SmalltalkError("CollectionIsEmpty", "collection is empty");
    Value acc = e[0];
    for (size_t i = 1; i < e.size(); ++i) {
      Args arg{e[i]};
      acc = ev.send(acc, sel == "sum" ? "+" : sel == "max" ? "max:" : "min:", arg);
    }
    return acc;
  }
  return std::nullopt;
}

}  // namespace

Answer array_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  if (Answer v = accessing(r, sel, a)) return v;
  return enumerating(ev, r, sel, a);
}

}  // namespace sim
