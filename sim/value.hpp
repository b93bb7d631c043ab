#pragma once
// The objects the sim's interpreter computes with: nil, booleans, numbers, strings, symbols,
// characters, arrays, blocks, classes and simulated instances (servers, builders...).
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "number.hpp"
#include "parser.hpp"

namespace sim {

struct Scope;
struct SimObject;

struct Value {
  enum class Kind { Nil, True, False, Number, String, Symbol, Character, Array, Block, Class, Object };
  Kind kind = Kind::Nil;
  Number number;
  std::string text;                          // String, Symbol, Character, Class name
  std::shared_ptr<std::vector<Value>> elems;  // Array
  NodePtr block;                             // Block
  std::shared_ptr<Scope> scope;              // Block's defining scope
  std::shared_ptr<SimObject> obj;            // Object

  // Out of line: a Value is large (a Number, a string, four pointers), and the message families
  // return many of them; inlined, each return site would carry its own copy of these.
  Value();
  Value(const Value& other);
  Value(Value&& other) noexcept;
  Value& operator=(const Value& other);
  Value& operator=(Value&& other) noexcept;
  ~Value();

  // Out of line too, for the same reason.
  static Value nil();
  static Value boolean(bool b);
  static Value num(Number n);
  static Value integer(int64_t n);
  static Value string(std::string s);
  static Value symbol(std::string s);
  static Value character(std::string s);
  static Value klass(std::string s);
  static Value array(std::vector<Value> e);
  static Value object(std::shared_ptr<SimObject> o);

  bool is_nil() const { return kind == Kind::Nil; }
  bool is_true() const { return kind == Kind::True; }
  bool is_bool() const { return kind == Kind::True || kind == Kind::False; }
  bool is_stringish() const { return kind == Kind::String || kind == Kind::Symbol; }
};

// A simulated instance: its class, its printString and whatever state its messages keep.
struct SimObject {
  std::string cls;
  std::string print;  // empty: "a Cls" / "an Cls"
  std::map<std::string, Value> slots;
};

struct Scope {
  std::map<std::string, Value> vars;
  std::shared_ptr<Scope> parent;
  Value* find(const std::string& name) {
    for (Scope* s = this; s; s = s->parent.get()) {
      auto it = s->vars.find(name);
      if (it != s->vars.end()) return &it->second;
    }
    return nullptr;
  }
};

// An error the real image would signal (Error signal, ZeroDivide, doesNotUnderstand on nil...):
// unhandled in a script, it ends the image with PharoDebug.log.
struct SmalltalkError : std::runtime_error {
  std::string smalltalk_class;
  std::string message_text;
  SmalltalkError(std::string cls, std::string text)
      : std::runtime_error(cls + (text.empty() ? "" : ": " + text)), smalltalk_class(std::move(cls)), message_text(std::move(text)) {}
};

// Something the sim does not model: the statement is skipped with a note.
struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string print_string(const Value& v);
std::string display_string(const Value& v);  // strings without quotes
std::string class_name_of(const Value& v);
bool values_equal(const Value& a, const Value& b);

}  // namespace sim
