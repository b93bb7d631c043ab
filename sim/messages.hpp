#pragma once
// The messages the sim understands, one family of classes per file (*_messages.cpp), and what
// a family needs of the interpreter. A family answers std::nullopt for a receiver or selector
// that is not its own; the interpreter (interpreter.cpp) then asks the next one and, last,
// Object's protocol (object_messages.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host.hpp"
#include "value.hpp"

namespace sim {

using Args = std::vector<Value>;
using Answer = std::optional<Value>;

// Non-local return: ^ inside a block or at the top of a doit, and an exception's return:.
struct ReturnSignal {
  Value value;
};

// The interpreter as the families see it.
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual Host& host() = 0;
  virtual Value call_block(const Value& block, std::vector<Value> args) = 0;
  virtual Value send(const Value& receiver, const std::string& selector, Args& args) = 0;
  // Doit variables (Smalltalk at:put: keeps its entries there too).
  virtual Scope& workspace() = 0;
};

// Shared by the families.
Value make_object(const std::string& cls, const std::string& print = "");
int64_t int_arg(const Value& v, const std::string& what);
int port_arg(const Value& v);
std::string string_arg(const Value& v, const std::string& what);
// For first, last and at: of a sequence of `size` elements (an Array, a String): the 0-based
// index the message means, raising what Pharo raises out of bounds; nullopt for other selectors.
std::optional<size_t> element_index(const std::string& sel, const Args& a, size_t size);
// Pharo's cull:: a block that takes an argument gets `arg`, any other is sent value.
Value cull(Evaluator& ev, const Value& block, const Value& arg);

using Family = Answer (*)(Evaluator& ev, const Value& r, const std::string& sel, Args& a);

// Receivers of one kind of Value.
Answer object_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);  // any receiver
Answer boolean_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer nil_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer number_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer string_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);  // String, Symbol
Answer character_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer array_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer block_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);

// Families of classes: the class side (r is a Value::Kind::Class) and instances (Kind::Object).
Answer number_class_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);  // Float pi, ...
Answer string_class_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);  // String, Character
Answer exception_class_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer exception_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer system_class_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer system_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer transcript_class_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer transcript_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer neoconsole_class_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer neoconsole_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer zinc_class_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer zinc_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer loading_class_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);
Answer loading_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a);

}  // namespace sim
